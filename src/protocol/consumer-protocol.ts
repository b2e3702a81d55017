// The classic consumer protocol's embedded formats, each an int16 version followed by its generated
// body (schemas/consumer-protocol.ts): ConsumerProtocolSubscription (JoinGroup protocol metadata)
// and ConsumerProtocolAssignment (SyncGroup assignments). The broker (src/group) and our client
// (src/client) both read and write them here.
//
// Leniency, as Kafka's ConsumerProtocol: a version newer than we know is read with the newest
// layout we know and whatever follows is ignored (new versions may only append fields); trailing
// bytes are ignored too. Empty assignment bytes mean nothing assigned (a leader that gives a member
// nothing may send none). Anything else that does not decode is a ProtocolDecodeError.
import { ProtocolDecodeError, ProtocolEncodeError } from './errors.js';
import {
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
  type ConsumerProtocolAssignment,
  type ConsumerProtocolAssignmentInput,
  type ConsumerProtocolSubscription,
  type ConsumerProtocolSubscriptionInput,
} from './generated/consumer-protocol.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export type { ConsumerProtocolAssignmentInput, ConsumerProtocolSubscriptionInput };

export const SUBSCRIPTION_VERSION_MAX = 3;
export const ASSIGNMENT_VERSION_MAX = 3;

/** A decoded subscription and the version it was written in (which may exceed ours). */
export interface ConsumerSubscription extends ConsumerProtocolSubscription {
  version: number;
}

export interface ConsumerAssignment extends ConsumerProtocolAssignment {
  version: number;
}

/** An int16 version, then the body in that version's layout. */
function encodeVersioned<T>(what: string, max: number, version: number, encode: (w: Writer, v: number, m: T) => void, m: T): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > max) throw new ProtocolEncodeError(`${what} version ${version} is not one of 0-${max}`);
  const w = new Writer(64);
  w.int16(version);
  encode(w, version, m);
  return w.toBuffer();
}

/** Reads a version newer than `max` with the layout of `max`; what follows the body is ignored. */
function decodeVersioned<T>(what: string, max: number, buf: Buffer, decode: (r: Reader, v: number) => T): T & { version: number } {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0) throw new ProtocolDecodeError(`${what} version ${version} is negative`);
  return { version, ...decode(r, Math.min(version, max)) };
}

export function encodeConsumerSubscription(subscription: ConsumerProtocolSubscriptionInput, version = SUBSCRIPTION_VERSION_MAX): Buffer {
  return encodeVersioned('subscription', SUBSCRIPTION_VERSION_MAX, version, encodeConsumerProtocolSubscription, subscription);
}

/** Throws ProtocolDecodeError on bytes that are not a consumer subscription. */
export function decodeConsumerSubscription(buf: Buffer): ConsumerSubscription {
  return decodeVersioned('subscription', SUBSCRIPTION_VERSION_MAX, buf, decodeConsumerProtocolSubscription);
}

export function encodeConsumerAssignment(assignment: ConsumerProtocolAssignmentInput, version = ASSIGNMENT_VERSION_MAX): Buffer {
  return encodeVersioned('assignment', ASSIGNMENT_VERSION_MAX, version, encodeConsumerProtocolAssignment, assignment);
}

/** Throws ProtocolDecodeError on bytes that are not a consumer assignment; empty bytes are an empty assignment. */
export function decodeConsumerAssignment(buf: Buffer): ConsumerAssignment {
  if (buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  return decodeVersioned('assignment', ASSIGNMENT_VERSION_MAX, buf, decodeConsumerProtocolAssignment);
}

/** topic → partitions of a decoded list; a topic listed twice gets its partitions joined, as Kafka's parser does. */
export function topicPartitionMap(list: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { topic, partitions } of list) {
    const have = out.get(topic);
    if (have === undefined) out.set(topic, [...partitions]);
    else have.push(...partitions);
  }
  return out;
}

/** The list form the codecs take, from topic → partitions. */
export function topicPartitionList(map: ReadonlyMap<string, readonly number[]>): Array<{ topic: string; partitions: number[] }> {
  return [...map].map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));
}

/** One {topic, partition} per partition of a decoded list, in list order. */
export function topicPartitionPairs(list: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }>): Array<{ topic: string; partition: number }> {
  return list.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
}

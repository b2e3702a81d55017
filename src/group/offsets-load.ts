/**
 * Rebuilding group state from `__consumer_offsets` at start-up. What is read is validated, never
 * trusted (DESIGN invariant 9): the log may hold records written by an older broker that let clients
 * Produce there, or by another tool. A record that does not decode, has a version we do not know, or
 * would break an invariant of the coordinator (a GroupMetadata giving one partition to two members, a
 * leader that is not a member, numbers out of range...) is skipped as if it were not there, with an
 * error log line. That is an operating error (bad data on disk), never an invariant failure: the
 * checks here are the invariants themselves, applied before the state is built.
 * Replay: the latest valid value per key wins, a null value (tombstone) deletes.
 */
import type { OffsetsTopic } from './offsets-topic.js';
import { OffsetStore } from './offsets.js';
import type { PendingTxnOffsets } from './txn-offsets.js';
import { classicAssignmentProblem } from './invariant.js';
import {
  decodeConsumerGroupMetadataValue, decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue,
  type GroupMetadataMember, type GroupMetadataValue, type GroupRecordKey,
} from '../protocol/offsets-records.js';
import type { GroupLogger } from './types.js';
import { ProtocolDecodeError } from '../protocol/errors.js';

export type LoadedGroup = { kind: 'classic'; value: GroupMetadataValue } | { kind: 'consumer'; epoch: number };

export interface LoadLimits {
  /** group.max.size: a stored group with more members is not ours. */
  maxSize: number;
  /** minikafka.group.classic.shared.partitions.enable: a partition may have several owners. */
  sharedPartitions?: boolean;
}

export interface LoadResult {
  groups: Map<string, LoadedGroup>;
  records: number;
  skipped: number;
}

/**
 * Generations and epochs are int32 on the wire and only grow: each rebalance bumps them by one (a
 * KIP-848 join or target change can bump a group's epoch several times in a row). A restored group
 * keeps room for 2^20 more bumps; a stored value above that is not one this broker or Kafka wrote in
 * practice (2^31 rebalances), and restoring it would let the next bumps overflow the int32 encoding.
 */
const EPOCH_MAX = 2 ** 31 - 1 - 2 ** 20;
/** Timers are setTimeout delays (capped by Node at 2^31-1 ms). */
const TIMEOUT_MS_MAX = 2 ** 31 - 1;
/** Error lines per load, one per skipped record up to this; then one line with the count. */
const SKIP_LOG_LINES_MAX = 20;
const LOG_TEXT_CHARS_MAX = 200;

class SkipLog {
  skipped = 0;
  constructor(private readonly log: GroupLogger) {}

  skip(fields: { partition?: number; offset: number; group?: string }, problem: string): void {
    this.skipped++;
    if (this.skipped > SKIP_LOG_LINES_MAX) return;
    const group = fields.group === undefined ? undefined : clip(fields.group);
    this.log.error({ ...fields, group, problem: clip(problem) }, 'skipping invalid __consumer_offsets record');
  }

  done(): void {
    if (this.skipped > SKIP_LOG_LINES_MAX) {
      this.log.error({ skipped: this.skipped, logged: SKIP_LOG_LINES_MAX }, 'skipping invalid __consumer_offsets records: more than were logged');
    }
  }
}

function clip(s: string): string {
  return s.length <= LOG_TEXT_CHARS_MAX ? s : `${s.slice(0, LOG_TEXT_CHARS_MAX)}... (${s.length} chars)`;
}

/** Replays the topic into `offsets` and returns the groups' latest valid metadata. Never throws on content. */
export function loadOffsetsTopic(topic: OffsetsTopic, offsets: OffsetStore, limits: LoadLimits, log: GroupLogger, pendingTxn?: PendingTxnOffsets): LoadResult {
  const groups = new Map<string, LoadedGroup>();
  const skips = new SkipLog(log);
  let records = 0;
  const onBadBatch = (partition: number, offset: number, err: Error): void => skips.skip({ partition, offset }, `unreadable batch: ${err.message}`);
  for (const r of topic.scan(onBadBatch)) {
    records++;
    if (r.key === null) {
      skips.skip({ offset: r.offset }, 'record without a key');
      continue;
    }
    let key: GroupRecordKey;
    try {
      key = decodeKey(r.key);
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
      skips.skip({ offset: r.offset }, `undecodable key: ${err.message}`);
      continue;
    }
    if (key.kind === 'other') {
      skips.skip({ offset: r.offset, group: key.group }, `key version ${key.version}: not a record this coordinator keeps`);
      continue;
    }
    if ('pendingProducerId' in r) {
      // An open transaction's offsets: pending until its marker (the transaction coordinator completes it).
      if (key.kind !== 'offset' || pendingTxn === undefined) continue;
      const one = new OffsetStore();
      const problem = apply(key, r.value, one, groups, limits);
      if (problem !== undefined) skips.skip({ offset: r.offset, group: key.group }, problem);
      else pendingTxn.add(r.pendingProducerId, key.group, one.all(key.group));
      continue;
    }
    const problem = apply(key, r.value, offsets, groups, limits);
    if (problem !== undefined) skips.skip({ offset: r.offset, group: key.group }, problem);
  }
  skips.done();
  return { groups, records, skipped: skips.skipped };
}

/** Applies one keyed record; returns why it was skipped, if it was. */
function apply(key: Exclude<GroupRecordKey, { kind: 'other' }>, value: Buffer | null, offsets: OffsetStore, groups: Map<string, LoadedGroup>, limits: LoadLimits): string | undefined {
  if (key.group === '') return 'empty group id';
  if (key.kind === 'offset') {
    if (key.topic === '') return 'empty topic name';
    if (key.partition < 0) return `partition ${key.partition}`;
    if (value === null) {
      offsets.delete(key.group, key.topic, key.partition);
      return undefined;
    }
    const v = decodeOr(() => decodeOffsetCommitValue(value));
    if (typeof v === 'string') return v;
    if (v.leaderEpoch < -1) return `leader epoch ${v.leaderEpoch}`;
    offsets.put(key.group, { topic: key.topic, partition: key.partition, ...v });
    return undefined;
  }
  if (key.kind === 'group') {
    if (value === null) {
      if (groups.get(key.group)?.kind === 'classic') groups.delete(key.group);
      return undefined;
    }
    const v = decodeOr(() => decodeGroupMetadataValue(value));
    if (typeof v === 'string') return v;
    const problem = groupMetadataProblem(v, limits);
    if (problem !== undefined) return problem;
    groups.set(key.group, { kind: 'classic', value: normalized(v) });
    return undefined;
  }
  if (value === null) {
    if (groups.get(key.group)?.kind === 'consumer') groups.delete(key.group);
    return undefined;
  }
  const v = decodeOr(() => decodeConsumerGroupMetadataValue(value));
  if (typeof v === 'string') return v;
  if (v.epoch < 0 || v.epoch > EPOCH_MAX) return `group epoch ${v.epoch}`;
  groups.set(key.group, { kind: 'consumer', epoch: v.epoch });
  return undefined;
}

/** The decoded value, or why it does not decode (the decoders throw ProtocolDecodeError on bad bytes). */
function decodeOr<T>(decode: () => T): T | string {
  try {
    return decode();
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
    return `undecodable value: ${err.message}`;
  }
}

/** Why a stored classic group cannot be restored as it is, or undefined. */
export function groupMetadataProblem(v: GroupMetadataValue, limits: LoadLimits): string | undefined {
  if (v.generation < 0 || v.generation > EPOCH_MAX) return `generation ${v.generation}`;
  if (v.currentStateTimestampMs < -1) return `state timestamp ${v.currentStateTimestampMs}`;
  if (v.members.length === 0) return undefined;
  if (v.members.length > limits.maxSize) return `${v.members.length} members, over group.max.size ${limits.maxSize}`;
  if (v.protocolType === '') return 'members without a protocol type';
  if (v.protocol === null) return 'members without a protocol';
  const ids = new Set<string>();
  const instances = new Set<string>();
  for (const m of v.members) {
    if (m.memberId === '') return 'empty member id';
    if (ids.has(m.memberId)) return `member ${m.memberId} twice`;
    ids.add(m.memberId);
    if (m.groupInstanceId !== null) {
      if (instances.has(m.groupInstanceId)) return `group instance id ${m.groupInstanceId} twice`;
      instances.add(m.groupInstanceId);
    }
    if (m.sessionTimeoutMs <= 0 || m.sessionTimeoutMs > TIMEOUT_MS_MAX) return `member ${m.memberId}: session timeout ${m.sessionTimeoutMs}`;
    if (m.rebalanceTimeoutMs < -1 || m.rebalanceTimeoutMs > TIMEOUT_MS_MAX) return `member ${m.memberId}: rebalance timeout ${m.rebalanceTimeoutMs}`;
  }
  if (v.leader === null || !ids.has(v.leader)) return `leader ${v.leader} is not a member`;
  // The golden rule, as the coordinator asserts it for a Stable group (which is what this restores).
  const members = new Map(v.members.map((m) => [m.memberId, { memberId: m.memberId, protocols: [{ name: v.protocol!, metadata: m.subscription }] }]));
  const view = { protocolType: v.protocolType, protocolName: v.protocol, generationId: v.generation, members };
  return classicAssignmentProblem(view, new Map(v.members.map((m) => [m.memberId, m.assignment])), limits.sharedPartitions ?? false);
}

/** An empty group has no leader or protocol; v0 members had no rebalance timeout (Kafka uses the session timeout). */
function normalized(v: GroupMetadataValue): GroupMetadataValue {
  if (v.members.length === 0) return { ...v, protocol: null, leader: null };
  const members: GroupMetadataMember[] = v.members.map((m) => (m.rebalanceTimeoutMs >= 0 ? m : { ...m, rebalanceTimeoutMs: m.sessionTimeoutMs }));
  return { ...v, members };
}

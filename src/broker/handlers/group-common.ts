/** Shared by the group handlers: error names from the coordinator → Kafka codes, the client host as Kafka prints it, topic READ checks. */
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupErrorName } from '../../group/types.js';
import type { RequestContext } from '../handler.js';
import { allowed } from '../authz.js';

export function code(name: GroupErrorName): number {
  return ErrorCode[name];
}

/** Kafka shows the member's address as "/host". */
export function clientHost(ctx: RequestContext): string {
  const i = ctx.remote.lastIndexOf(':');
  return `/${i > 0 ? ctx.remote.slice(0, i) : ctx.remote}`;
}

type TopicPartitions = { name: string; partitions: ReadonlyArray<{ partitionIndex: number }> };

/** Every partition of the topic answered with one error code. */
export function refuseTopic(t: TopicPartitions, errorCode: number): { name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> } {
  return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) };
}

/**
 * OffsetCommit, TxnOffsetCommit and OffsetDelete need READ on each topic: the topics the principal may
 * read, and the answer for the others (TOPIC_AUTHORIZATION_FAILED per partition; they are not touched).
 */
export function splitReadableTopics<T extends TopicPartitions>(ctx: RequestContext, topics: readonly T[]): { readable: T[]; refused: ReturnType<typeof refuseTopic>[] } {
  const readable: T[] = [];
  const refused: ReturnType<typeof refuseTopic>[] = [];
  for (const t of topics) {
    if (allowed(ctx, 'READ', 'TOPIC', t.name)) readable.push(t);
    else refused.push(refuseTopic(t, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
  }
  return { readable, refused };
}

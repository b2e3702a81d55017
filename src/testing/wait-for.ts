// waitFor helpers for tests: poll a Kafka condition through our client until it holds or a deadline
// passes, and fail with a message that says what was expected and what was last seen (a test that
// times out should explain itself without a debugger).
import { Admin } from '../client/admin.js';
import { Consumer } from '../client/consumer.js';
import type { ConsumedMessage } from '../client/types.js';

export interface WaitOptions {
  /** Default 10000. */
  timeoutMs?: number;
  /** Pause between two looks. Default 50. */
  intervalMs?: number;
}

/** Thrown when a condition did not hold in time; `lastSeen` is the last observation, for the message. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(readonly what: string, readonly timeoutMs: number, readonly lastSeen: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${lastSeen}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `look` until it returns `{ done: true, value }`; resolves with the value. `look` also says
 * what it saw, which becomes the timeout message. Errors thrown by `look` count as "not yet" and are
 * reported if time runs out (a topic that does not exist yet is a normal state in a test).
 */
export async function waitFor<T>(
  what: string,
  look: () => Promise<{ done: true; value: T } | { done: false; seen: string }>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing yet';
  for (;;) {
    try {
      const r = await look();
      if (r.done) return r.value;
      seen = r.seen;
    } catch (err) {
      seen = `error: ${(err as Error).message}`;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, seen);
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

export interface WaitForRecordsOptions extends WaitOptions {
  /** How many matching records to wait for. Default 1. */
  count?: number;
  /** Records that count; default every record. */
  match?: (m: ConsumedMessage<Buffer, Buffer>) => boolean;
}

/**
 * Reads `topic` from the beginning of every partition (no group, nothing committed) until `count`
 * records satisfy `match`; resolves with them in the order read (per partition in offset order).
 */
export async function waitForRecords(bootstrap: string, topic: string, options: WaitForRecordsOptions = {}): Promise<ConsumedMessage<Buffer, Buffer>[]> {
  const count = options.count ?? 1;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const match = options.match ?? (() => true);
  const found: ConsumedMessage<Buffer, Buffer>[] = [];
  let read = 0;
  const admin = new Admin({ bootstrap });
  const consumer = new Consumer({ bootstrap, autoOffsetReset: 'earliest', maxWaitMs: 100 });
  const deadline = Date.now() + timeoutMs;
  try {
    // The topic may not exist yet: wait for it to appear, then read every partition.
    const partitions = await waitFor(`topic ${topic} to exist`, async () => {
      const [t] = await admin.describeTopics([topic]);
      return t !== undefined && t.partitions.length > 0 ? { done: true, value: t.partitions.map((p) => p.partition) } : { done: false, seen: 'no partitions' };
    }, { timeoutMs, ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }) });
    consumer.assign(partitions.map((partition) => ({ topic, partition })));
    const timer = setTimeout(() => void consumer.close(), Math.max(0, deadline - Date.now()));
    try {
      for await (const m of consumer) {
        read++;
        if (match(m)) found.push(m);
        if (found.length >= count) break;
      }
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await Promise.all([consumer.close(), admin.close()]);
  }
  if (found.length < count) {
    throw new WaitTimeoutError(`${count} matching record(s) on ${topic}`, timeoutMs, `${found.length} matching of ${read} read`);
  }
  return found;
}

/** Waits until `groupId` has committed at least `offset` on `topic`-`partition`. */
export async function waitForCommittedOffset(bootstrap: string, groupId: string, topic: string, partition: number, offset: bigint, options: WaitOptions = {}): Promise<bigint> {
  const admin = new Admin({ bootstrap });
  try {
    return await waitFor(`group ${groupId} to commit ${offset} on ${topic}-${partition}`, async () => {
      const c = (await admin.fetchCommittedOffsets(groupId, [topic])).find((o) => o.partition === partition);
      const at = c?.offset ?? -1n;
      return at >= offset ? { done: true, value: at } : { done: false, seen: `committed ${at}` };
    }, options);
  } finally {
    await admin.close();
  }
}

/**
 * Waits until `groupId` is Stable with `members` members, each partition of its assignment owned by
 * one member; resolves with the assignment per member id.
 */
export async function waitForGroupStable(bootstrap: string, groupId: string, members: number, options: WaitOptions = {}): Promise<Map<string, { topic: string; partition: number }[]>> {
  const admin = new Admin({ bootstrap });
  try {
    return await waitFor(`group ${groupId} to be Stable with ${members} member(s)`, async () => {
      const [g] = await admin.describeGroups([groupId]);
      if (g === undefined) return { done: false, seen: 'no such group' };
      const seen = `state ${g.state || '?'} with ${g.members.length} member(s)`;
      if (g.state !== 'Stable' || g.members.length !== members) return { done: false, seen };
      return { done: true, value: new Map(g.members.map((m) => [m.memberId, m.assignment])) };
    }, options);
  } finally {
    await admin.close();
  }
}

/** Waits until `groupId` has committed up to the end of every partition it has offsets for (lag 0). */
export async function waitForLagZero(bootstrap: string, groupId: string, options: WaitOptions = {}): Promise<void> {
  const admin = new Admin({ bootstrap });
  try {
    await waitFor(`group ${groupId} to reach lag 0`, async () => {
      const [g] = await admin.describeGroups([groupId]);
      const offsets = g?.offsets ?? [];
      const behind = offsets.filter((o) => o.lag > 0n);
      if (offsets.length > 0 && behind.length === 0) return { done: true, value: undefined };
      return { done: false, seen: offsets.length === 0 ? 'no committed offsets' : behind.map((o) => `${o.topic}-${o.partition} lag ${o.lag}`).join(', ') };
    }, options);
  } finally {
    await admin.close();
  }
}

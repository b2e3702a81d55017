/**
 * Fuzz target: loading `__consumer_offsets` (GroupCoordinator.open over an in-memory store whose offsets
 * topic holds the input's records), then using what loaded. Oracle: the load never throws; every group
 * it restores satisfies the coordinator's invariants (one owner per partition, a Stable group's leader
 * is a member, timeouts are usable timer delays, generations and epochs can still be bumped as int32);
 * every committed offset is an int64 of a non-negative partition; a JoinGroup (or a KIP-848 join) on
 * each restored group and then every timer firing (sessions, rebalances) never throw; and a coordinator
 * reopened over what this one wrote back loads with the same guarantees.
 *
 * Input layout: records, each `u8 partition (low 2 bits) | u16 key length | key | u16 value length
 * (0xffff = null) | value`, as many as the input holds (a truncated tail is dropped). Each record is
 * appended as its own batch, through the storage layer, as Produce once allowed clients to.
 * Load it only after Coverage.start() (see engine.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { ManualScheduler } from '../../src/group/clock.js';
import { GroupCoordinator } from '../../src/group/coordinator.js';
import { assertSinglePartitionOwner } from '../../src/group/invariant.js';
import { OFFSETS_TOPIC } from '../../src/group/offsets-topic.js';
import { keyValuesOfBatch } from '../../src/protocol/records.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/group/consumer-protocol.js';
import {
  encodeConsumerGroupMetadataKey, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue,
} from '../../src/protocol/offsets-records.js';
import { silentGroupLogger, type GroupLogger } from '../../src/group/types.js';
import { fixturesDir } from '../support/paths.js';
import type { FuzzTarget, Mutator } from './engine.js';
import { OracleViolation } from './request-target.js';

export const offsetsCrashesDir = join(fixturesDir, 'fuzz', 'offsets');

const PARTITIONS = 4;
const INT32_MAX = 2 ** 31 - 1;
const GROUPS_EXERCISED_MAX = 4;

export interface InputRecord {
  partition: number;
  key: Buffer;
  value: Buffer | null;
}

export function encodeInput(records: readonly InputRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const head = Buffer.alloc(3);
    head.writeUInt8(r.partition & 3, 0);
    head.writeUInt16BE(r.key.length, 1);
    const vlen = Buffer.alloc(2);
    vlen.writeUInt16BE(r.value === null ? 0xffff : r.value.length);
    parts.push(head, r.key, vlen, r.value ?? Buffer.alloc(0));
  }
  return Buffer.concat(parts);
}

export function decodeInput(buf: Buffer): InputRecord[] {
  const out: InputRecord[] = [];
  let pos = 0;
  while (pos + 3 <= buf.length) {
    const partition = buf.readUInt8(pos) & 3;
    const klen = buf.readUInt16BE(pos + 1);
    if (pos + 3 + klen + 2 > buf.length) break;
    const key = buf.subarray(pos + 3, pos + 3 + klen);
    const vlen = buf.readUInt16BE(pos + 3 + klen);
    pos += 3 + klen + 2;
    if (vlen === 0xffff) {
      out.push({ partition, key, value: null });
      continue;
    }
    if (pos + vlen > buf.length) break;
    out.push({ partition, key, value: buf.subarray(pos, pos + vlen) });
    pos += vlen;
  }
  return out;
}

function violation(message: string, cause?: unknown): never {
  throw new OracleViolation(message, cause === undefined ? undefined : { cause });
}

/** A logger that also checks each line is bounded (a skipped record must not be echoed whole). */
const boundedLogger: GroupLogger = {
  ...silentGroupLogger,
  error(fields, msg) {
    const length = JSON.stringify(fields).length + msg.length;
    if (length > 2000) violation(`log line of ${length} chars: ${msg}`);
  },
};

function open(store: TopicStore, clock: ManualScheduler): GroupCoordinator {
  try {
    return GroupCoordinator.open({ store, log: boundedLogger, scheduler: clock, config: { offsetsTopicPartitions: PARTITIONS, maxSize: 1000, offsetsRetentionCheckIntervalMs: 2 ** 40 } });
  } catch (err) {
    if (err instanceof OracleViolation) throw err;
    return violation(`load threw ${String(err)}`, err);
  }
}

/** What must hold of the coordinator at any time: one owner per partition, offsets of real partitions as int64. */
function checkInvariants(c: GroupCoordinator): void {
  for (const [id, g] of c.groups) {
    if (g.groupId !== id) violation(`group ${id} stored under another id`);
    try {
      assertSinglePartitionOwner(g);
    } catch (err) {
      violation(`group breaks the golden rule: ${String(err)}`, err);
    }
  }
  for (const groupId of c.offsets.groups()) {
    if (groupId === '') violation('offsets of an empty group id');
    for (const o of c.offsets.all(groupId)) {
      if (o.partition < 0 || !Number.isInteger(o.partition)) violation(`offset of partition ${o.partition}`);
      if (typeof o.offset !== 'bigint' || o.offset < -(2n ** 63n) || o.offset >= 2n ** 63n) violation(`offset ${String(o.offset)}`);
      if (!c.groups.has(groupId)) violation(`offsets of group ${groupId} without a group`);
    }
  }
}

/** What must hold of every group a load restored, before anything else happened to it. */
function checkLoaded(c: GroupCoordinator): void {
  checkInvariants(c);
  for (const g of c.groups.values()) {
    if (g.kind === 'consumer') {
      if (g.groupEpoch < 0 || g.groupEpoch >= INT32_MAX) violation(`consumer group epoch ${g.groupEpoch}`);
      continue;
    }
    if (g.generationId < 0 || g.generationId >= INT32_MAX) violation(`generation ${g.generationId}`);
    if (g.members.size === 0) {
      if (g.state !== 'Empty') violation(`memberless group in state ${g.state}`);
      continue;
    }
    if (g.state !== 'Stable') violation(`restored group with members in state ${g.state}`);
    if (g.leaderId === null || !g.members.has(g.leaderId)) violation(`leader ${g.leaderId} is not a member`);
    if (g.protocolName === null || g.protocolType === null) violation('members without a protocol');
    for (const m of g.members.values()) {
      if (!(m.sessionTimeoutMs > 0 && m.sessionTimeoutMs <= INT32_MAX)) violation(`session timeout ${m.sessionTimeoutMs}`);
      if (!(m.rebalanceTimeoutMs >= 0 && m.rebalanceTimeoutMs <= INT32_MAX)) violation(`rebalance timeout ${m.rebalanceTimeoutMs}`);
      if (m.groupInstanceId !== null && g.staticMembers.get(m.groupInstanceId) !== m.memberId) violation(`static member ${m.groupInstanceId} not mapped to ${m.memberId}`);
    }
  }
}

/** Joins each restored group (classic or KIP-848) and lets every timer fire; nothing may throw. */
function exercise(c: GroupCoordinator, clock: ManualScheduler): void {
  const ids = [...c.groups.keys()].slice(0, GROUPS_EXERCISED_MAX);
  try {
    for (const id of ids) {
      const g = c.groups.get(id)!;
      if (g.kind === 'classic') {
        // ClassicGroup.join is synchronous up to its parked promise: an invariant failure surfaces here.
        void g.join({
          groupId: id, memberId: '', groupInstanceId: null, clientId: 'fuzz', clientHost: '/127.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
          protocolType: g.protocolType ?? 'consumer', protocols: [{ name: g.protocolName ?? 'range', metadata: encodeConsumerSubscription(['t']) }],
          requireKnownMemberId: false, supportsSkipAssignment: false,
        });
      } else {
        c.consumerGroupHeartbeat({
          groupId: id, memberId: 'fuzz-member', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: ['t'],
          subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'fuzz', clientHost: '/127.0.0.1', clientGeneratesMemberId: true,
        });
      }
    }
    clock.advance(2 * INT32_MAX); // every session, join, sync and rebalance timer, restored or new
  } catch (err) {
    if (err instanceof OracleViolation) throw err;
    violation(`using the loaded state threw ${String(err)}`, err);
  }
}

export function runOffsetsLoad(input: Buffer): void {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  store.createTopic(OFFSETS_TOPIC, PARTITIONS, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1' });
  store.createTopic('t', 2);
  for (const r of decodeInput(input)) {
    store.partition(OFFSETS_TOPIC, r.partition).append(buildRecordBatch({ baseTimestamp: 1_700_000_000_000, records: [{ key: r.key, value: r.value }] }));
  }
  const clock = new ManualScheduler();
  const c = open(store, clock);
  checkLoaded(c);
  exercise(c, clock);
  checkInvariants(c);
  c.close();
  const again = open(store, clock); // what the coordinator wrote back (group metadata, tombstones) loads too
  checkLoaded(again);
  again.close();
}

// ---------------------------------------------------------------- seeds

/** Records this broker writes, read back from a coordinator driven through offsets, classic and KIP-848 groups. */
async function writtenRecords(): Promise<InputRecord[][]> {
  const store = TopicStore.open('/data', { fs: new MemoryFs() });
  store.createTopic('t', 4);
  const clock = new ManualScheduler();
  const c = GroupCoordinator.open({ store, log: silentGroupLogger, scheduler: clock, config: { offsetsTopicPartitions: PARTITIONS } });
  await c.commitOffsets({ groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, version: 8, topics: [{ name: 't', partitions: [{ partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'md' }, { partition: 1, offset: 2n ** 63n - 1n, leaderEpoch: -1, metadata: null }] }] });
  const join = (memberId: string, protocol: string, instance: string | null) => c.joinGroup({
    groupId: `classic-${protocol}`, memberId, groupInstanceId: instance, clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer', protocols: [{ name: protocol, metadata: encodeConsumerSubscription(['t'], new Map([['t', [0]]])) }], requireKnownMemberId: false, supportsSkipAssignment: false,
  });
  for (const protocol of ['range', 'cooperative-sticky']) {
    const first = await join('', protocol, 'i1'); // alone: its generation completes at once
    const second = join('', protocol, null); // starts a rebalance that waits for the first to rejoin
    const [a, b] = await Promise.all([join(first.memberId, protocol, 'i1'), second]);
    const leader = a!.members.length > 0 ? a! : b!;
    const ids = [a!.memberId, b!.memberId];
    const sync = (memberId: string) => c.syncGroup({
      groupId: `classic-${protocol}`, memberId, groupInstanceId: memberId === a!.memberId ? 'i1' : null, generationId: leader.generationId, protocolType: 'consumer', protocolName: protocol,
      assignments: memberId === leader.memberId ? ids.map((id, i) => ({ memberId: id, assignment: encodeConsumerAssignment(new Map([['t', [i, i + 2]]])) })) : [],
    });
    await Promise.all(ids.map(sync));
    await c.commitOffsets({ groupId: `classic-${protocol}`, generationIdOrMemberEpoch: leader.generationId, memberId: a!.memberId, groupInstanceId: 'i1', version: 8, topics: [{ name: 't', partitions: [{ partition: 0, offset: 7n, leaderEpoch: -1, metadata: '' }] }] });
  }
  const hb = c.consumerGroupHeartbeat({
    groupId: 'kip848', memberId: 'm1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: ['t'],
    subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: '/127.0.0.1', clientGeneratesMemberId: true,
  });
  await c.commitOffsets({ groupId: 'kip848', generationIdOrMemberEpoch: hb.memberEpoch, memberId: 'm1', groupInstanceId: null, version: 9, topics: [{ name: 't', partitions: [{ partition: 3, offset: 9n, leaderEpoch: -1, metadata: null }] }] });
  await c.commitOffsets({ groupId: 'doomed', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, version: 8, topics: [{ name: 't', partitions: [{ partition: 2, offset: 1n, leaderEpoch: -1, metadata: null }] }] });
  await c.deleteGroups(['doomed']);
  clock.advance(60_000); // sessions expire: the groups go Empty and write that too
  c.close();
  const perPartition: InputRecord[][] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const log = store.partition(OFFSETS_TOPIC, p);
    const read = log.read(log.logStartOffset, 1 << 20, { minOneBatch: true });
    const records: InputRecord[] = [];
    if (read.ok) {
      for (let pos = 0; pos < read.records.length; pos += read.records.readInt32BE(pos + 8) + 12) {
        for (const kv of keyValuesOfBatch(read.records, pos)) records.push({ partition: p, key: kv.key!, value: kv.value });
      }
    }
    perPartition.push(records);
  }
  return perPartition;
}

/** Records the old Produce let a client plant: one partition owned twice, a leader that is not a member, bad versions. */
function craftedRecords(): InputRecord[] {
  const member = (memberId: string) => ({
    memberId, groupInstanceId: null, clientId: 'c', clientHost: '/x', rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 300_000,
    subscription: encodeConsumerSubscription(['t']), assignment: encodeConsumerAssignment(new Map([['t', [0]]])),
  });
  const gm = { protocolType: 'consumer', generation: 3, protocol: 'range', leader: 'm1', currentStateTimestampMs: 1, members: [member('m1'), member('m2')] };
  return [
    { partition: 0, key: encodeGroupMetadataKey('g'), value: encodeGroupMetadataValue(gm) },
    { partition: 1, key: encodeGroupMetadataKey('g2'), value: encodeGroupMetadataValue({ ...gm, leader: 'nobody', members: [member('m1')] }) },
    { partition: 2, key: encodeConsumerGroupMetadataKey('c'), value: Buffer.from([0, 0, 0x7f, 0xff, 0xff, 0xff, 0]) },
    { partition: 3, key: encodeOffsetCommitKey('g', 't', -1), value: encodeOffsetCommitValue({ offset: -1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 0, expireTimestampMs: -1 }) },
  ];
}

function readDir(dir: string): Buffer[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.bin')).sort().map((f) => readFileSync(join(dir, f)));
  } catch {
    return [];
  }
}

export async function offsetsSeeds(): Promise<Buffer[]> {
  const written = await writtenRecords();
  const all = written.flat();
  return [
    encodeInput(all),
    ...written.filter((rs) => rs.length > 0).map(encodeInput),
    ...all.map((r) => encodeInput([r])),
    encodeInput(craftedRecords()),
    ...craftedRecords().map((r) => encodeInput([r])),
    ...readDir(offsetsCrashesDir),
  ];
}

// ---------------------------------------------------------------- mutations that know the layout

/** Offsets of each record's key and value in the input. */
function recordSpans(buf: Buffer): Array<{ key: number; keyEnd: number; value: number; valueEnd: number }> {
  const spans = [];
  let pos = 0;
  while (pos + 3 <= buf.length) {
    const klen = buf.readUInt16BE(pos + 1);
    const key = pos + 3;
    if (key + klen + 2 > buf.length) break;
    const vlen = buf.readUInt16BE(key + klen);
    const value = key + klen + 2;
    const valueEnd = vlen === 0xffff ? value : value + vlen;
    if (valueEnd > buf.length) break;
    spans.push({ key, keyEnd: key + klen, value, valueEnd });
    pos = valueEnd;
  }
  return spans;
}

const interesting32 = [-1, 0, 1, 2, 0x7fff, 0x8000, 0xffff, INT32_MAX, -(2 ** 31), 3];

/** Overwrites an int16 version or an int32 field inside a key or value with a boundary value. */
const numberField: Mutator = (input, rng) => {
  const spans = recordSpans(input);
  if (spans.length === 0) return input;
  const s = rng.pick(spans);
  const [from, to] = rng.chance(3) ? [s.key, s.keyEnd] : [s.value, s.valueEnd];
  const out = Buffer.from(input);
  if (to - from >= 2 && rng.chance(2)) {
    out.writeInt16BE(rng.pick([0, 1, 2, 3, 4, 5, -1, 0x7fff]), rng.chance(2) ? from : from + rng.below(to - from - 1));
  } else if (to - from >= 4) {
    out.writeInt32BE(rng.pick(interesting32), from + rng.below(to - from - 3));
  }
  return out;
};

/** Splices a whole record from another corpus input in (a key meets another record's value, or is replayed). */
const recordSplice: Mutator = (input, rng, corpus) => {
  const other = rng.pick(corpus);
  const spans = recordSpans(other);
  if (spans.length === 0) return input;
  const s = rng.pick(spans);
  const start = s.key - 3;
  const record = other.subarray(start, s.valueEnd);
  const at = rng.pick([0, ...recordSpans(input).map((x) => x.valueEnd)]);
  return Buffer.concat([input.subarray(0, at), record, input.subarray(at)]);
};

export const offsetsLoadTarget: FuzzTarget = {
  name: 'offsets-load',
  includeScript: (url) => /\/dist\/src\/group\/(offsets-load|records|offsets-topic|coordinator|classic-group|consumer-group|invariant|consumer-protocol|offsets)\.js$/.test(url),
  seeds: await offsetsSeeds(),
  maxInputBytes: 8192,
  mutators: [numberField, numberField, recordSplice],
  run: runOffsetsLoad,
};

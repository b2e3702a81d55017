// Property: whatever sequence of transactional operations, timeouts, fencing inits and crashes (with
// restarts), every record written inside a transaction is, for read_committed readers, visible iff its
// transaction committed; no partition's LSO stays held once no transaction is open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFs } from '../../src/storage/fs.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { ManualScheduler } from '../../src/group/clock.js';
import { GroupCoordinator } from '../../src/group/coordinator.js';
import { silentGroupLogger } from '../../src/group/types.js';
import { ProducerIdManager } from '../../src/txn/producer-ids.js';
import { TransactionCoordinator } from '../../src/txn/coordinator.js';
import { buildRecordBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL, CONTROL_COMMIT, controlBatchType } from '../../src/protocol/txn-records.js';
import { keyValuesOfBatch } from '../../src/protocol/records.js';

type Op =
  | { kind: 'init'; id: number }
  | { kind: 'send'; id: number; partition: number }
  | { kind: 'end'; id: number; commit: boolean }
  | { kind: 'time'; ms: number }
  | { kind: 'crash' };

const ids = ['a', 'b'];
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('init' as const), id: fc.nat(1) }),
  fc.record({ kind: fc.constant('send' as const), id: fc.nat(1), partition: fc.nat(1) }),
  fc.record({ kind: fc.constant('send' as const), id: fc.nat(1), partition: fc.nat(1) }),
  fc.record({ kind: fc.constant('end' as const), id: fc.nat(1), commit: fc.boolean() }),
  fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 100, max: 3000 }) }),
  fc.record({ kind: fc.constant('crash' as const) }),
);

async function open(fs: MemoryFs, clock: ManualScheduler) {
  const store = TopicStore.open('/data', { fs });
  if (store.topic('t') === undefined) store.createTopic('t', 2);
  const groups = GroupCoordinator.open({ store, log: silentGroupLogger, scheduler: clock });
  const txn = await TransactionCoordinator.open(store, groups, new ProducerIdManager(fs, '/data/producer-ids', 1), silentGroupLogger, { maxTimeoutMs: 60_000, abortCheckIntervalMs: 1_000_000, logPartitions: 1 }, clock);
  return { store, groups, txn };
}

test('property: read_committed sees exactly the committed transactions, across timeouts, fencing and crashes', async () => {
  await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
    const fs = new MemoryFs();
    const clock = new ManualScheduler();
    let b = await open(fs, clock);
    const producers = new Map<number, { pid: number; epoch: number; seq: number[]; open: string[] }>();
    /** What the coordinator promised: EndTxn answered NONE for the transaction holding this value. */
    const promised = new Map<string, boolean>();
    for (const o of ops) {
      if (o.kind === 'init') {
        const r = await b.txn.initProducerId(ids[o.id]!, 2000, -1, -1);
        assert.equal(r.error, 'NONE');
        producers.set(o.id, { pid: r.producerId, epoch: r.producerEpoch, seq: [0, 0], open: [] });
      } else if (o.kind === 'send') {
        const p = producers.get(o.id);
        if (p === undefined) continue;
        const added = await b.txn.addPartitions(ids[o.id]!, p.pid, p.epoch, [{ topic: 't', partitions: [o.partition] }], false);
        if (added.get('t')!.get(o.partition) !== 'NONE') continue; // fenced by a timeout: fine
        const value = Buffer.from(`${o.id}:${o.partition}:${p.epoch}:${p.seq[o.partition]}`); // unique per partition too: a value committed on one partition and aborted on another were confused
        b.store.partition('t', o.partition).append(buildRecordBatch({ attributes: ATTR_TRANSACTIONAL, producerId: p.pid, producerEpoch: p.epoch, baseSequence: p.seq[o.partition]!, baseTimestamp: 1, records: [{ key: null, value }] }));
        p.seq[o.partition]! += 1;
        p.open.push(value.toString());
      } else if (o.kind === 'end') {
        const p = producers.get(o.id);
        if (p === undefined) continue;
        const e = await b.txn.endTxn(ids[o.id]!, p.pid, p.epoch, o.commit);
        if (e === 'NONE') for (const v of p.open) promised.set(v, o.commit);
        if (e === 'NONE' || e === 'PRODUCER_FENCED') p.open = [];
      } else if (o.kind === 'time') {
        clock.advance(o.ms);
        await b.txn.abortExpired();
      } else {
        for (let p = 0; p < 2; p++) await b.store.partition('t', p).flush();
        b.txn.close();
        b.groups.close();
        fs.crash();
        b = await open(fs, clock);
      }
    }
    // End of the story: everything still open times out.
    clock.advance(10_000);
    await b.txn.abortExpired();
    for (const id of ids) assert.notEqual(b.txn.describe(id)?.state, 'Ongoing');
    for (let partition = 0; partition < 2; partition++) {
      const log = b.store.partition('t', partition);
      assert.equal(log.producers.lastStableOffset(log.highWatermark), log.highWatermark, 'no open transaction holds the LSO');
      // Every data batch is followed by a marker of its producer; committed iff no aborted range covers it.
      const read = log.read(0, 1 << 24);
      assert.ok(read.ok);
      const aborted = log.producers.abortedTxns(0, log.logEndOffset);
      // Each data batch's fate is its producer's next marker; the aborted index must say the same.
      const waiting = new Map<number, Array<{ offset: number; value: string }>>();
      for (let pos = 0; pos < read.records.length; pos += readBatchHeader(read.records, pos).sizeBytes) {
        const h = readBatchHeader(read.records, pos);
        if ((h.attributes & 0x20) === 0) {
          const value = keyValuesOfBatch(read.records, pos)[0]!.value!.toString();
          waiting.set(h.producerId, [...(waiting.get(h.producerId) ?? []), { offset: h.baseOffset, value }]);
          continue;
        }
        const committed: boolean = controlBatchType(read.records, pos) === CONTROL_COMMIT;
        for (const w of waiting.get(h.producerId) ?? []) {
          const inAborted = aborted.some((t) => t.producerId === h.producerId && t.firstOffset <= w.offset && w.offset <= t.lastOffset);
          assert.equal(inAborted, !committed, `offset ${w.offset}: the aborted index agrees with the marker`);
          const promise = promised.get(w.value);
          if (promise !== undefined) assert.equal(committed, promise, `${w.value}: EndTxn's answer was kept`);
        }
        waiting.delete(h.producerId);
      }
      assert.equal(waiting.size, 0, 'every transaction that wrote here has its marker');
    }
    b.txn.close();
    b.groups.close();
  }), { numRuns: 60 });
});

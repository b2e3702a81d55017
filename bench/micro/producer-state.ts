/**
 * PartitionLog.append of a 10-record, 1 KB batch: without a producer id, and from an idempotent producer
 * (sequence check, dedup window of 5, state update). MemoryFs, so the figure is the CPU cost of the append
 * path; the difference is what idempotence costs per batch. A roll every 64 MiB keeps memory bounded.
 */
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog } from '../../src/storage/log.js';
import { measure } from './harness.js';

const records = Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.alloc(100, i) }));

function run(name: string, idempotent: boolean): void {
  const fs = new MemoryFs();
  let log = PartitionLog.open('/b/0', { fs, config: { segmentBytes: 64 << 20 } });
  let seq = 0;
  let appended = 0;
  const plain = buildRecordBatch({ baseTimestamp: 1, records });
  measure(name, () => {
    const batch = idempotent ? buildRecordBatch({ baseTimestamp: 1, producerId: 7, producerEpoch: 0, baseSequence: seq, records }) : buildRecordBatch({ baseTimestamp: 1, records });
    seq += records.length;
    const r = log.append(batch, { validated: true, recordsChecked: true });
    if (++appended % 50_000 === 0) {
      log.release();
      log = PartitionLog.open(`/b/${appended}`, { fs: new MemoryFs(), config: { segmentBytes: 64 << 20 } });
      seq = 0;
    }
    return r;
  }, { bytesPerOp: plain.length });
}

run('append 10 x 100 B, no producer id (batch built per op)', false);
run('append 10 x 100 B, idempotent (batch built per op)', true);

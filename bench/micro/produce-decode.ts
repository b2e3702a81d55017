/** Micro-benchmark: Produce request decode (generated codec) of 1 topic x 8 partitions x 16 KiB records, v9 (flexible) and v7. */
import { decodeProduceRequest, encodeProduceRequest } from '../../src/protocol/generated/produce.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { measure } from './harness.js';

const value = Buffer.alloc(100, 'v');
const records = buildRecordBatch({ baseTimestamp: Date.now(), records: Array.from({ length: 140 }, () => ({ value })) });
for (const version of [9, 7]) {
  const w = new Writer(256 * 1024);
  encodeProduceRequest(w, version, {
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: 'bench-topic', partitionData: Array.from({ length: 8 }, (_, index) => ({ index, records })) }],
  });
  const buf = Buffer.from(w.toBuffer());
  measure(`decodeProduceRequest v${version}, 8 partitions x ${(records.length / 1024).toFixed(1)} KiB`, () => decodeProduceRequest(new Reader(buf), version), { bytesPerOp: buf.length });
}

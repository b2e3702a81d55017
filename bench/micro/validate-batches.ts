/** Micro-benchmark: validateRecordBatches (header walk + CRC32C) on a 16 KiB buffer of several batches. */
import { buildRecordBatch, validateRecordBatches } from '../../src/protocol/record-batch.js';
import { measure } from './harness.js';

// 100 B records, 16 per batch (~1.9 KiB per batch), batches appended until 16 KiB.
const batches: Buffer[] = [];
let size = 0;
const value = Buffer.alloc(100, 'v');
while (size < 16 * 1024) {
  const b = buildRecordBatch({ baseTimestamp: Date.now(), records: Array.from({ length: 16 }, () => ({ value })) });
  if (size + b.length > 16 * 1024) break;
  batches.push(b);
  size += b.length;
}
const buf = Buffer.concat(batches);
const check = validateRecordBatches(buf);
if (!check.ok) throw new Error(`fixture invalid: ${check.message}`);
measure(`validateRecordBatches ${(buf.length / 1024).toFixed(1)} KiB, ${batches.length} batches x 16 records`, () => validateRecordBatches(buf), { bytesPerOp: buf.length });

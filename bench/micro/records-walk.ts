/** Micro-benchmark: the record walker (records.ts) over the records of a 16 KiB batch, and checkRecords of a gzip batch (bounded decompression + walk). */
import { BATCH_HEADER_BYTES, buildRecordBatch } from '../../src/protocol/record-batch.js';
import { RecordWalker, walkSlice } from '../../src/protocol/records.js';
import { checkRecords } from '../../src/protocol/records-check.js';
import { buildCompressedBatch } from '../../src/protocol/compression.js';
import { measure, report } from './harness.js';

const records = Array.from({ length: 160 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(90, 'v') }));
const batch = buildRecordBatch({ baseTimestamp: Date.now(), records });
const section = batch.subarray(BATCH_HEADER_BYTES);
const walker = new RecordWalker();
measure(`RecordWalker ${(section.length / 1024).toFixed(1)} KiB, ${records.length} records, keys required`, () => walkSlice(walker.reset(section, records.length), 1 << 20, true), { bytesPerOp: section.length });

const policy = { requireKeys: true, decompressedBytesMax: 64 * 1024 * 1024, recordBytesMax: 1024 * 1024 };
const gz = await buildCompressedBatch({ baseTimestamp: Date.now(), records }, 'gzip');
const n = 2000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) await checkRecords(gz, policy);
const ns = Number(process.hrtime.bigint() - t0) / n;
report({ name: `checkRecords gzip batch (${gz.length} B -> ${section.length} B)`, opsPerSec: 1e9 / ns, nsPerOp: ns, bytesPerOp: section.length });

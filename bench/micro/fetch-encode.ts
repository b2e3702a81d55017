/** Micro-benchmark: Fetch response encode (generated codec) of 1 topic x 8 partitions x 16 KiB records, v12 and v16. */
import { encodeFetchResponse } from '../../src/protocol/generated/fetch.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { Writer } from '../../src/protocol/writer.js';
import { measure } from './harness.js';

const value = Buffer.alloc(100, 'v');
const records = buildRecordBatch({ baseTimestamp: Date.now(), records: Array.from({ length: 140 }, () => ({ value })) });
for (const version of [12, 16]) {
  const w = new Writer(256 * 1024);
  const response = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topic: 'bench-topic',
      topicId: '5d0e2d3c-8f3a-4d5e-9a4b-0c1d2e3f4a5b',
      partitions: Array.from({ length: 8 }, (_, partitionIndex) => ({ partitionIndex, errorCode: 0, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, abortedTransactions: null, records })),
    }],
  };
  measure(`encodeFetchResponse v${version}, 8 partitions x ${(records.length / 1024).toFixed(1)} KiB`, () => {
    w.offset = 0;
    encodeFetchResponse(w, version, response);
    return w.offset;
  }, { bytesPerOp: 8 * records.length });
}

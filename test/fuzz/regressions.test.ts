// Inputs the fuzzers found that broke an oracle, one test per bug; each input is kept under
// test/fixtures/fuzz/ and also seeds the next fuzz run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from '../../src/protocol/reader.js';
import { decodeRequestHeader } from '../../src/protocol/header.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { ErrorCode, ProtocolDecodeError } from '../../src/protocol/errors.js';
import {
  OFFSET_BASE, OFFSET_BASE_TIMESTAMP, OFFSET_CRC, OFFSET_MAX_TIMESTAMP, OFFSET_PRODUCER_ID,
  buildRecordBatch, computeBatchCrc, validateRecordBatches,
} from '../../src/protocol/record-batch.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog } from '../../src/storage/log.js';
import { requestCrashesDir, runRequest } from './request-target.js';
import { batchCrashesDir, runBatch } from './batch-target.js';

const requestCrash = (name: string): Buffer => readFileSync(join(requestCrashesDir, name));

// Tagged fields out of order (tag 32 before 0, then 0 twice) were accepted, so the decoded message did
// not survive a re-encode (the encoder sorts); KIP-482 requires strictly ascending tags.
test('tagged fields out of order or repeated are a decode error', () => {
  const input = requestCrash('0-v12-unsorted-tags.bin');
  const r = new Reader(input);
  const h = decodeRequestHeader(r);
  assert.throws(() => apiMessages[h.apiKey]!.decodeRequest(r, h.apiVersion), ProtocolDecodeError);
  runRequest(input);
  const dup = Buffer.from([2, 1, 0, 1, 0]); // two fields, both tag 1
  assert.throws(() => new Reader(dup).taggedFields(), /tag 1 .*after tag 1/);
});

const batchCrash = (name: string): Buffer => readFileSync(join(batchCrashesDir, name));

/** A valid batch with an int64 header field set to `value` and its CRC recomputed. */
function batchWith(offset: number, value: bigint): Buffer {
  const b = buildRecordBatch({ baseTimestamp: 1_700_000_000_000, records: [{ key: Buffer.from('k'), value: Buffer.from('v') }] });
  b.writeBigInt64BE(value, offset);
  b.writeUInt32BE(computeBatchCrc(b, 0, b.length), OFFSET_CRC);
  return b;
}

// A producer's baseOffset of 2^53 or more (Kafka ignores it and assigns its own) made append throw a
// RangeError, so the Produce failed as an unexpected exception and the connection was closed.
test('the baseOffset a producer sends is never read as a number', () => {
  runBatch(batchCrash('base-offset-int64-max.bin'));
  for (const compact of [false, true]) {
    const log = PartitionLog.open('/t/0', { fs: new MemoryFs(), config: { cleanupPolicy: { delete: !compact, compact } } });
    const appended = log.append(batchWith(OFFSET_BASE, 2n ** 63n - 1n), { leaderEpoch: 0 });
    assert.equal(appended.baseOffset, 0);
    assert.equal(log.logEndOffset, 1);
  }
});

// A batch whose maxTimestamp, baseTimestamp or producerId lies beyond 2^53 made validation throw a
// RangeError (or got stored, and then broke ListOffsets and the cleaner, which read them as numbers).
test('int64 header fields beyond 2^53 are a Kafka error, not an exception', () => {
  assert.equal(ErrorCode.INVALID_TIMESTAMP, 32);
  for (const [offset, code] of [[OFFSET_MAX_TIMESTAMP, 'INVALID_TIMESTAMP'], [OFFSET_BASE_TIMESTAMP, 'INVALID_TIMESTAMP'], [OFFSET_PRODUCER_ID, 'INVALID_RECORD']] as const) {
    for (const v of [2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      const result = validateRecordBatches(batchWith(offset, v));
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error, code);
      runBatch(Buffer.concat([Buffer.from([0]), batchWith(offset, v)]));
    }
  }
  assert.ok(validateRecordBatches(batchWith(OFFSET_MAX_TIMESTAMP, -1n)).ok, 'no timestamp (-1) is fine');
  assert.ok(validateRecordBatches(batchWith(OFFSET_PRODUCER_ID, -1n)).ok, 'no producer id (-1) is fine');
});

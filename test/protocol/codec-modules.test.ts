// src/protocol/codec-modules.ts: snappy's xerial framing, read by the client's codecs and the broker's bounded decompression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isXerialSnappy, snappyBlocks } from '../../src/protocol/codec-modules.js';
import { compressXerialSnappy } from '../../src/protocol/compression.js';

test('xerial frames split into their raw blocks; raw snappy is one block; an overrun is refused', async () => {
  const data = Buffer.alloc(100_000, 7);
  const framed = await compressXerialSnappy(data, 32 * 1024);
  assert.equal(isXerialSnappy(framed), true);
  assert.equal(snappyBlocks(framed, (why) => new Error(why)).length, 4);
  const raw = Buffer.from([5, 0x10, 1, 2, 3, 4, 5]);
  assert.equal(isXerialSnappy(raw), false);
  assert.deepEqual(snappyBlocks(raw, (why) => new Error(why)), [raw]);
  const cut = framed.subarray(0, framed.length - 10);
  assert.throws(() => snappyBlocks(cut, (why) => new RangeError(why)), /overruns the data/);
  assert.throws(() => snappyBlocks(framed.subarray(0, 18), (why) => new RangeError(why)), /truncated xerial block length/);
});

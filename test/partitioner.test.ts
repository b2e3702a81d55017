import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { murmur2 as platformaticMurmur2 } from '@platformatic/kafka';
import { compatibilityPartitioner } from './support/platformatic.js';
import { murmur2, toPositive, partitionForKey, StickyPartitioner } from '../src/partitioner.js';

const { Partitioners } = kafkajs;

// Vectors from apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2).
const javaVectors: ReadonlyArray<[Buffer, number]> = [
  [Buffer.from('21'), -973932308],
  [Buffer.from('foobar'), -790332482],
  [Buffer.from('a-little-bit-long-string'), -985981536],
  [Buffer.from('a-little-bit-longer-string'), -1486304829],
  [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
  [Buffer.from([0x61, 0x62, 0x63]), 479470107],
];

// A second murmur2, written from the algorithm with BigInt arithmetic mod 2^32 and a
// different tail loop, so a shared mistake with the Math.imul version is unlikely.
const mod32 = 1n << 32n;
function mul32(a: bigint, b: bigint): bigint {
  return (a * b) % mod32;
}
function referenceMurmur2(data: Uint8Array): number {
  const mBig = 0x5bd1e995n;
  let h = (0x9747b28cn ^ BigInt(data.length)) % mod32;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = 0n;
    for (let j = 3; j >= 0; j--) k = k * 256n + BigInt(data[i + j]!);
    k = mul32(k, mBig);
    k ^= k >> 24n;
    k = mul32(k, mBig);
    h = mul32(h, mBig);
    h ^= k;
  }
  const rest = data.length - i;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[i + j]!) << BigInt(8 * j);
    h = mul32(h, mBig);
  }
  h ^= h >> 13n;
  h = mul32(h, mBig);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

const keys = fc.uint8Array({ minLength: 0, maxLength: 200 }).map((a) => Buffer.from(a));

test('murmur2 matches the Java client test vectors', () => {
  for (const [key, expected] of javaVectors) {
    assert.equal(murmur2(key), expected, `murmur2(${JSON.stringify(key.toString('latin1'))})`);
    assert.equal(referenceMurmur2(key), expected, 'reference implementation disagrees with Java');
  }
});

test('murmur2 returns signed 32-bit integers', () => {
  fc.assert(
    fc.property(keys, (key) => {
      const h = murmur2(key);
      assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
    }),
    { numRuns: 500 },
  );
});

test('murmur2 agrees with an independent BigInt implementation on random keys', () => {
  fc.assert(
    fc.property(keys, (key) => {
      assert.equal(murmur2(key), referenceMurmur2(key));
    }),
    { numRuns: 2000 },
  );
});

test('murmur2 agrees with @platformatic/kafka murmur2', () => {
  fc.assert(
    fc.property(keys, (key) => {
      assert.equal(murmur2(key), platformaticMurmur2(key, false));
    }),
    { numRuns: 500 },
  );
});

test('toPositive clears the sign bit like Java Utils.toPositive', () => {
  assert.equal(toPositive(-2147483648), 0);
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(0), 0);
  assert.equal(toPositive(-973932308), -973932308 & 0x7fffffff);
  assert.equal(toPositive(123), 123);
});

test('partitionForKey agrees with KafkaJS DefaultPartitioner on random keys', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  fc.assert(
    fc.property(keys, fc.integer({ min: 1, max: 1000 }), (key, n) => {
      const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(partitionForKey(key, n), expected);
    }),
    { numRuns: 2000 },
  );
});

test('partitionForKey agrees with @platformatic/kafka compatibilityPartitioner', () => {
  fc.assert(
    fc.property(keys, fc.integer({ min: 1, max: 1000 }), (key, n) => {
      const hash = compatibilityPartitioner({ topic: 't', key, value: Buffer.alloc(0) });
      assert.equal(partitionForKey(key, n), hash % n);
    }),
    { numRuns: 500 },
  );
});

test('partitionForKey rejects non-positive partition counts', () => {
  assert.throws(() => partitionForKey(Buffer.from('k'), 0), RangeError);
  assert.throws(() => partitionForKey(Buffer.from('k'), -1), RangeError);
  assert.throws(() => partitionForKey(Buffer.from('k'), 1.5), RangeError);
});

test('StickyPartitioner: keyed records use partitionForKey', () => {
  const sticky = new StickyPartitioner();
  fc.assert(
    fc.property(keys, fc.integer({ min: 1, max: 64 }), (key, n) => {
      assert.equal(sticky.partition('t', key, n), partitionForKey(key, n));
    }),
    { numRuns: 300 },
  );
});

test('StickyPartitioner: unkeyed records stick until onNewBatch, then switch', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 30 }), (n, batches) => {
      const sticky = new StickyPartitioner();
      let previous = sticky.partition('t', null, n);
      for (let b = 0; b < batches; b++) {
        for (let i = 0; i < 5; i++) assert.equal(sticky.partition('t', undefined, n), previous);
        const next = sticky.onNewBatch('t', n, previous);
        assert.notEqual(next, previous, 'a new batch must move to another partition when there is one');
        assert.ok(next >= 0 && next < n);
        assert.equal(sticky.partition('t', null, n), next);
        previous = next;
      }
    }),
    { numRuns: 200 },
  );
});

test('StickyPartitioner: onNewBatch for a stale partition keeps the current one', () => {
  const sticky = new StickyPartitioner();
  const first = sticky.partition('t', null, 8);
  const second = sticky.onNewBatch('t', 8, first);
  // A second completed batch for `first` arrives after the switch: no further move.
  assert.equal(sticky.onNewBatch('t', 8, first), second);
});

test('StickyPartitioner: topics are independent', () => {
  const picks = [0, 1, 2, 3];
  const sticky = new StickyPartitioner(() => picks.shift() ?? 0);
  assert.equal(sticky.partition('a', null, 10), 0);
  assert.equal(sticky.partition('b', null, 10), 1);
  assert.equal(sticky.partition('a', null, 10), 0);
  assert.equal(sticky.current('b'), 1);
});

test('StickyPartitioner: only available partitions are chosen', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }).chain((n) =>
        fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n })),
      ),
      ([n, available]) => {
        const sticky = new StickyPartitioner();
        let p = sticky.partition('t', null, n, available);
        for (let i = 0; i < 10; i++) {
          assert.ok(available.includes(p), `${p} not in ${available}`);
          const next = sticky.onNewBatch('t', n, p, available);
          if (available.length > 1) assert.notEqual(next, p);
          p = next;
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('StickyPartitioner: a single partition is always chosen', () => {
  const sticky = new StickyPartitioner();
  assert.equal(sticky.partition('t', null, 1), 0);
  assert.equal(sticky.onNewBatch('t', 1, 0), 0);
});

test('StickyPartitioner: spreads over partitions across batches', () => {
  const n = 6;
  const sticky = new StickyPartitioner();
  const seen = new Set<number>();
  let p = sticky.partition('t', null, n);
  for (let i = 0; i < 500; i++) {
    seen.add(p);
    p = sticky.onNewBatch('t', n, p);
  }
  assert.equal(seen.size, n);
});

test('StickyPartitioner: a shrunken partition count re-picks', () => {
  const picks = [9, 3];
  const sticky = new StickyPartitioner((bound) => Math.min(picks.shift() ?? 0, bound - 1));
  assert.equal(sticky.partition('t', null, 10), 9);
  // Partition 9 no longer exists with 4 partitions: a new one is chosen in range.
  assert.equal(sticky.partition('t', null, 4), 3);
  assert.equal(sticky.partition('t', null, 4), 3);
});

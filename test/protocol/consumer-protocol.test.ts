// src/protocol/consumer-protocol.ts: ConsumerProtocolSubscription and ConsumerProtocolAssignment
// round trip in every version, decode real clients' bytes, read newer versions leniently as Kafka
// does, and turn hostile bytes into ProtocolDecodeError without allocating for forged counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ASSIGNMENT_VERSION_MAX, SUBSCRIPTION_VERSION_MAX, decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment,
  encodeConsumerSubscription, topicPartitionMap, topicPartitionPairs,
} from '../../src/protocol/consumer-protocol.js';
import { ConsumerProtocolAssignment, ConsumerProtocolSubscription } from '../../src/protocol/schemas/consumer-protocol.js';
import { ProtocolDecodeError } from '../../src/protocol/errors.js';
import { messageArb, project } from './arbitrary.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function withoutVersion<T extends { version: number }>(m: T): Omit<T, 'version'> {
  const { version: _version, ...rest } = m;
  return rest;
}

const formats = [
  { name: 'subscription', schema: ConsumerProtocolSubscription, max: SUBSCRIPTION_VERSION_MAX, encode: encodeConsumerSubscription, decode: decodeConsumerSubscription },
  { name: 'assignment', schema: ConsumerProtocolAssignment, max: ASSIGNMENT_VERSION_MAX, encode: encodeConsumerAssignment, decode: decodeConsumerAssignment },
] as const;

for (const f of formats) {
  test(`${f.name}: round trips in every version`, () => {
    const encode = f.encode as (m: unknown, v: number) => Buffer;
    for (let v = 0; v <= f.max; v++) {
      fc.assert(fc.property(messageArb(f.schema, v), (m) => {
        const bytes = encode(m, v);
        const back = f.decode(bytes);
        assert.equal(back.version, v);
        assert.deepStrictEqual(project(f.schema.fields, v, withoutVersion(back)), m);
        assert.deepStrictEqual(encode(back, v), bytes);
      }), { numRuns: 200, seed: 11 + v });
    }
  });
}

test('fields absent in a version decode to their defaults', () => {
  const v0 = decodeConsumerSubscription(encodeConsumerSubscription({ topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [1] }], generationId: 4, rackId: 'r' }, 0));
  assert.deepStrictEqual(withoutVersion(v0), { topics: ['t'], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  const v2 = decodeConsumerSubscription(encodeConsumerSubscription({ topics: ['t'], generationId: 4, rackId: 'r' }, 2));
  assert.equal(v2.generationId, 4);
  assert.equal(v2.rackId, null);
});

// Captured from real clients joining a minikafka group by scripts/capture-consumer-protocol.ts (KafkaJS
// 2.2.4, kcat and confluent-kafka-python 1.7.0 on librdkafka 2.0.2), topics "orders" (3 partitions) and "payments" (2).
const kafkajsSubscription = '0000 00000002 0006 6f7264657273 0008 7061796d656e7473 00000000';
const kafkajsAssignment = '0000 00000002 0006 6f7264657273 00000003 00000000 00000001 00000002 0008 7061796d656e7473 00000002 00000000 00000001 00000000';
// librdkafka 2.0.2 (confluent-kafka-python 1.7.0), cooperative-sticky, rejoining while owning everything:
// v1 with the sticky assignor's user data (its own assignment and generation 1) and owned partitions.
const librdkafkaCoopSubscription = `0001 00000002 0006 6f7264657273 0008 7061796d656e7473
  00000036 00000002 0006 6f7264657273 00000003 00000000 00000001 00000002 0008 7061796d656e7473 00000002 00000000 00000001 00000001
  00000002 0006 6f7264657273 00000003 00000000 00000001 00000002 0008 7061796d656e7473 00000002 00000000 00000001`;
// librdkafka's plain range subscription (kcat -G and confluent-kafka-python send the same bytes).
const librdkafkaRangeSubscription = '0001 00000002 0006 6f7264657273 0008 7061796d656e7473 00000000 00000000';
// librdkafka's leader assigning, with sticky user data; and giving a member nothing.
const librdkafkaCoopAssignment = `0000 00000002 0006 6f7264657273 00000001 00000002 0008 7061796d656e7473 00000002 00000000 00000001
  0000002e 00000002 0006 6f7264657273 00000001 00000002 0008 7061796d656e7473 00000002 00000000 00000001 00000002`;
const librdkafkaEmptyAssignment = '0000 00000000 00000000';
// Java's consumer (3.5+, KIP-881) writes v3; written here from the spec: topics [orders], null user
// data, owned orders-0 and orders-2, generation 7, rack "rack-1".
const javaV3Subscription = '0003 00000001 0006 6f7264657273 ffffffff 00000001 0006 6f7264657273 00000002 00000000 00000002 00000007 0006 7261636b2d31';

test('decodes KafkaJS subscription and assignment bytes and writes them back identically', () => {
  const sub = decodeConsumerSubscription(hex(kafkajsSubscription));
  assert.deepStrictEqual(sub, { version: 0, topics: ['orders', 'payments'], userData: Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null });
  assert.deepStrictEqual(encodeConsumerSubscription(sub, 0), hex(kafkajsSubscription));
  const a = decodeConsumerAssignment(hex(kafkajsAssignment));
  assert.deepStrictEqual(a.assignedPartitions, [{ topic: 'orders', partitions: [0, 1, 2] }, { topic: 'payments', partitions: [0, 1] }]);
  assert.deepStrictEqual(a.userData, Buffer.alloc(0));
  assert.deepStrictEqual(encodeConsumerAssignment(a, 0), hex(kafkajsAssignment));
});

test('decodes librdkafka subscription and assignment bytes and writes them back identically', () => {
  const coop = decodeConsumerSubscription(hex(librdkafkaCoopSubscription));
  assert.equal(coop.version, 1);
  assert.deepStrictEqual(coop.topics, ['orders', 'payments']);
  assert.equal(coop.userData?.length, 0x36);
  assert.deepStrictEqual(coop.ownedPartitions, [{ topic: 'orders', partitions: [0, 1, 2] }, { topic: 'payments', partitions: [0, 1] }]);
  assert.deepStrictEqual(encodeConsumerSubscription(coop, 1), hex(librdkafkaCoopSubscription));
  const range = decodeConsumerSubscription(hex(librdkafkaRangeSubscription));
  assert.deepStrictEqual(withoutVersion(range), { topics: ['orders', 'payments'], userData: Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null });
  assert.deepStrictEqual(encodeConsumerSubscription(range, 1), hex(librdkafkaRangeSubscription));
  const a = decodeConsumerAssignment(hex(librdkafkaCoopAssignment));
  assert.deepStrictEqual(topicPartitionPairs(a.assignedPartitions), [{ topic: 'orders', partition: 2 }, { topic: 'payments', partition: 0 }, { topic: 'payments', partition: 1 }]);
  assert.equal(a.userData?.length, 0x2e);
  assert.deepStrictEqual(encodeConsumerAssignment(a, 0), hex(librdkafkaCoopAssignment));
  assert.deepStrictEqual(decodeConsumerAssignment(hex(librdkafkaEmptyAssignment)).assignedPartitions, []);
});

test('decodes a Java v3 subscription with owned partitions, generation and rack', () => {
  const sub = decodeConsumerSubscription(hex(javaV3Subscription));
  assert.deepStrictEqual(sub, {
    version: 3, topics: ['orders'], userData: null, ownedPartitions: [{ topic: 'orders', partitions: [0, 2] }], generationId: 7, rackId: 'rack-1',
  });
  assert.deepStrictEqual(encodeConsumerSubscription(sub), hex(javaV3Subscription));
});

test('a newer version is read with the newest layout we know; what follows is ignored', () => {
  const v5 = Buffer.concat([hex('0005'), hex(javaV3Subscription).subarray(2), hex('deadbeef 00')]);
  const sub = decodeConsumerSubscription(v5);
  assert.equal(sub.version, 5);
  assert.equal(sub.rackId, 'rack-1');
  assert.deepStrictEqual(sub.ownedPartitions, [{ topic: 'orders', partitions: [0, 2] }]);
  const a = decodeConsumerAssignment(Buffer.concat([hex('0009'), hex(kafkajsAssignment).subarray(2), hex('0102030405')]));
  assert.equal(a.version, 9);
  assert.deepStrictEqual(topicPartitionMap(a.assignedPartitions), new Map([['orders', [0, 1, 2]], ['payments', [0, 1]]]));
});

test('empty assignment bytes are an empty assignment; a topic listed twice is joined', () => {
  assert.deepStrictEqual(decodeConsumerAssignment(Buffer.alloc(0)), { version: 0, assignedPartitions: [], userData: null });
  const twice = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }, { topic: 't', partitions: [3] }] });
  assert.deepStrictEqual(topicPartitionMap(decodeConsumerAssignment(twice).assignedPartitions), new Map([['t', [0, 3]]]));
});

test('hostile bytes: forged counts, negative versions, nulls and truncation fail fast with ProtocolDecodeError', () => {
  const bad = [
    '',
    '00',
    'ffff 00000000 ffffffff', // negative version
    '0000 7fffffff', // 2^31-1 topics in 0 bytes
    '0001 00000000 ffffffff 7ffffff0', // forged owned-partitions count
    '0001 00000000 ffffffff 00000001 0001 74 7fffffff', // forged partition count
    '0000 ffffffff ffffffff', // null topics array
    '0000 00000001 ffff ffffffff', // null topic name
    '0000 00000001 0010 74', // truncated string
    '0003 00000000 ffffffff 00000000 00000001 7fff', // truncated rack
  ];
  for (const h of bad) {
    const t0 = performance.now();
    assert.throws(() => decodeConsumerSubscription(hex(h)), ProtocolDecodeError, h);
    assert.ok(performance.now() - t0 < 50, `${h} took too long`);
  }
  for (const h of ['00', 'fffe 00000000 ffffffff', '0000 7fffffff', '0000 00000001 0001 74 7fffffff', '0000 00000000 00000010 00']) {
    assert.throws(() => decodeConsumerAssignment(hex(h)), ProtocolDecodeError, h);
  }
});

test('random and corrupted bytes only ever throw ProtocolDecodeError', () => {
  const onlyDecodeErrors = (f: () => unknown): void => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
    onlyDecodeErrors(() => decodeConsumerSubscription(Buffer.from(b)));
    onlyDecodeErrors(() => decodeConsumerAssignment(Buffer.from(b)));
  }), { numRuns: 2000, seed: 5 });
  for (const fixture of [kafkajsSubscription, librdkafkaCoopSubscription, javaV3Subscription, kafkajsAssignment, librdkafkaCoopAssignment]) {
    const bytes = hex(fixture);
    for (let len = 0; len < bytes.length; len++) {
      onlyDecodeErrors(() => decodeConsumerSubscription(bytes.subarray(0, len)));
      onlyDecodeErrors(() => decodeConsumerAssignment(bytes.subarray(0, len)));
    }
  }
});

/**
 * Our client against a broker with ACLs: a consumer refused READ on a topic (Fetch), DESCRIBE on it
 * (Metadata) or READ on its group rejects `run` and iteration promptly with TopicAuthorizationError /
 * GroupAuthorizationError (non-retriable, as Java's poll throws), with a group and with assign(); a
 * producer refused WRITE rejects `send` promptly with TopicAuthorizationError instead of retrying.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { onlyMinikafka } from '../support/kafka-target.js';
import { Admin, Consumer, Producer, GroupAuthorizationError, TopicAuthorizationError, stringSerde, type ConsumerOptions } from '../../src/client/index.js';

const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-pw" user_alice="alice-pw";';
const TOPIC = 2, GROUP = 3;
const LITERAL = 3;
const READ = 3, WRITE = 4, DESCRIBE = 8;
const ALLOW = 3;
/** A refusal must arrive well before this; a client that retried it would never settle. */
const PROMPT_MS = 15_000;
// As security.test.ts: the Kafka target harness sets up no SASL listener with JAAS users.
const skip = onlyMinikafka('needs a SASL_PLAINTEXT listener with JAAS users and the StandardAuthorizer');

let broker: TestBroker;
const asAdmin = { sasl: { mechanism: 'plain' as const, username: 'admin', password: 'admin-pw' } };
const asAlice = { sasl: { mechanism: 'plain' as const, username: 'alice', password: 'alice-pw' } };

before(async () => {
  if (skip !== false) return;
  broker = await startTestBroker({
    'listeners': 'SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.jaas.config': JAAS,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
    'auto.create.topics.enable': false,
    'group.initial.rebalance.delay.ms': 0,
  });
  const admin = new Admin({ bootstrap: broker.bootstrap, ...asAdmin });
  try {
    await admin.createTopics([{ topic: 'open', partitions: 1 }, { topic: 'secret', partitions: 1 }, { topic: 'hidden', partitions: 1 }]);
    const allow = (resourceType: number, resourceName: string, operation: number) => ({
      resourceType, resourceName, patternType: LITERAL, principal: 'User:alice', host: '*', operation, permissionType: ALLOW,
    });
    // alice: READ and WRITE on open; only DESCRIBE on secret (Metadata answers, Fetch and Produce refuse); nothing on hidden.
    await admin.createAcls([
      allow(GROUP, 'g-ok', READ), allow(TOPIC, 'open', READ), allow(TOPIC, 'open', WRITE), allow(TOPIC, 'secret', DESCRIBE),
    ]);
  } finally {
    await admin.close();
  }
  const producer = new Producer({ bootstrap: broker.bootstrap, ...asAdmin, valueSerializer: stringSerde });
  try {
    for (const topic of ['open', 'secret', 'hidden']) await producer.send({ topic, messages: [{ value: `${topic}-1` }] });
  } finally {
    await producer.close();
  }
});

after(async () => {
  await broker?.close();
});

/** Rejects if `p` has not settled within `ms`. */
async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

function aliceConsumer(extra: Partial<ConsumerOptions<Buffer, string>> = {}): Consumer<Buffer, string> {
  return new Consumer({ bootstrap: broker.bootstrap, ...asAlice, autoOffsetReset: 'earliest', valueDeserializer: stringSerde, ...extra });
}

const isTopicRefusal = (topics: string[]) => (err: unknown): boolean => {
  assert.ok(err instanceof TopicAuthorizationError, `expected TopicAuthorizationError, got ${String(err)}`);
  assert.equal(err.code, 29);
  assert.equal(err.errorName, 'TOPIC_AUTHORIZATION_FAILED');
  assert.equal(err.retriable, false);
  assert.deepEqual(err.topics, topics);
  assert.match(err.message, new RegExp(`Not authorized to access topics: \\[${topics.join(', ')}\\]`));
  return true;
};

const isGroupRefusal = (groupId: string) => (err: unknown): boolean => {
  assert.ok(err instanceof GroupAuthorizationError, `expected GroupAuthorizationError, got ${String(err)}`);
  assert.equal(err.code, 30);
  assert.equal(err.retriable, false);
  assert.equal(err.groupId, groupId);
  return true;
};

/** The first message iteration yields, or the error it rejects with. */
async function firstMessage(consumer: Consumer<Buffer, string>): Promise<string | null> {
  const it = consumer[Symbol.asyncIterator]();
  const r = await it.next();
  return r.done === true ? null : r.value.value;
}

test('a group consumer without READ on its topic: run() and iteration reject with TopicAuthorizationError, classic and KIP-848', { timeout: 90_000, skip }, async () => {
  for (const groupProtocol of ['classic', 'consumer'] as const) {
    const consumer = aliceConsumer({ groupId: 'g-ok', groupProtocol });
    try {
      await consumer.subscribe(['secret']);
      await assert.rejects(within(PROMPT_MS, consumer.run({ eachMessage: () => undefined }), `${groupProtocol} run`), isTopicRefusal(['secret']));
      // Reported once per poll, as Java does: the next one asks the broker again and is refused again.
      await assert.rejects(within(PROMPT_MS, firstMessage(consumer), `${groupProtocol} iteration`), isTopicRefusal(['secret']));
    } finally {
      await consumer.close();
    }
  }
});

test('an assign() consumer without READ on the topic rejects with TopicAuthorizationError, with and without a group', { timeout: 60_000, skip }, async () => {
  for (const groupId of [undefined, 'g-ok']) {
    const consumer = aliceConsumer(groupId === undefined ? {} : { groupId });
    try {
      consumer.assign([{ topic: 'secret', partition: 0 }]);
      await assert.rejects(within(PROMPT_MS, firstMessage(consumer), `assign, group ${groupId}`), isTopicRefusal(['secret']));
    } finally {
      await consumer.close();
    }
  }
  // The records of an allowed partition fetched alongside come first; the refusal follows.
  const consumer = aliceConsumer();
  try {
    consumer.assign([{ topic: 'open', partition: 0 }, { topic: 'secret', partition: 0 }]);
    const got: string[] = [];
    await assert.rejects(within(PROMPT_MS, consumer.run({ eachMessage: (m) => { got.push(m.value!); } }), 'mixed run'), isTopicRefusal(['secret']));
    assert.deepEqual(got, ['open-1']);
  } finally {
    await consumer.close();
  }
});

test('a topic the consumer may not even DESCRIBE: subscribe and assign reject with TopicAuthorizationError', { timeout: 60_000, skip }, async () => {
  for (const groupProtocol of ['classic', 'consumer'] as const) {
    const subscribed = aliceConsumer({ groupId: 'g-ok', groupProtocol });
    try {
      await subscribed.subscribe(['hidden']);
      await assert.rejects(within(PROMPT_MS, firstMessage(subscribed), `${groupProtocol} subscribe hidden`), isTopicRefusal(['hidden']));
    } finally {
      await subscribed.close();
    }
  }
  const assigned = aliceConsumer();
  try {
    assigned.assign([{ topic: 'hidden', partition: 0 }]);
    await assert.rejects(within(PROMPT_MS, firstMessage(assigned), 'assign hidden'), isTopicRefusal(['hidden']));
  } finally {
    await assigned.close();
  }
});

test('a consumer without READ on its group rejects with GroupAuthorizationError, subscribed and assigned; with it, it reads', { timeout: 60_000, skip }, async () => {
  for (const groupProtocol of ['classic', 'consumer'] as const) {
    const consumer = aliceConsumer({ groupId: 'g-denied', groupProtocol });
    try {
      await consumer.subscribe(['open']);
      await assert.rejects(within(PROMPT_MS, firstMessage(consumer), `${groupProtocol} subscribe`), isGroupRefusal('g-denied'));
    } finally {
      await consumer.close();
    }
  }
  const assigned = aliceConsumer({ groupId: 'g-denied' });
  try {
    assigned.assign([{ topic: 'open', partition: 0 }]);
    await assert.rejects(within(PROMPT_MS, firstMessage(assigned), 'assign with a group'), isGroupRefusal('g-denied'));
  } finally {
    await assigned.close();
  }
  // The same consumer setup with the allowed group and topic reads: the refusals above are the ACLs'.
  const allowed = aliceConsumer({ groupId: 'g-ok', groupProtocol: 'classic' });
  try {
    await allowed.subscribe(['open']);
    assert.equal(await within(PROMPT_MS * 2, firstMessage(allowed), 'allowed'), 'open-1');
  } finally {
    await allowed.close();
  }
});

test('a producer without WRITE rejects send with TopicAuthorizationError at once instead of retrying', { timeout: 60_000, skip }, async () => {
  // Retrying would take tens of seconds with these settings: a prompt rejection shows it is not retried.
  const producer = new Producer({ bootstrap: broker.bootstrap, ...asAlice, valueSerializer: stringSerde, retries: 50, retryBackoffMs: 500, retryBackoffMaxMs: 1000 });
  try {
    for (const topic of ['secret', 'hidden']) {
      const started = Date.now();
      await assert.rejects(within(PROMPT_MS, producer.send({ topic, messages: [{ value: 'no' }] }), `send ${topic}`), isTopicRefusal([topic]));
      assert.ok(Date.now() - started < 5000, `send to ${topic} rejected after ${Date.now() - started} ms`);
    }
    const [meta] = await within(PROMPT_MS, producer.send({ topic: 'open', messages: [{ value: 'yes' }] }), 'send open');
    assert.equal(meta!.topic, 'open');
  } finally {
    await producer.close();
  }
});

// /metrics in Prometheus text format, checked against known traffic: records and bytes in per topic
// (Kafka protocol and REST), bytes out after a fetch, request counts by API, partition offsets and a
// group's committed offset and lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { Admin, Consumer, Producer } from '../../src/index.js';

/** Parses the exposition format into name{labels} → value, checking each line's shape. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      if (line.startsWith('# TYPE')) assert.match(line, /^# TYPE [a-z_:][a-z0-9_:]* (counter|gauge|histogram|summary)$/);
      continue;
    }
    const m = /^([a-z_:][a-z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf)$/.exec(line);
    assert.ok(m, `bad exposition line: ${line}`);
    out.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

test('/metrics counts what happened', { timeout: 60_000 }, async () => {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, logger: createLogger('silent') });
  const producer = new Producer({ bootstrap: broker.bootstrap });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  try {
    await admin.createTopics([{ topic: 'm', partitions: 2 }]);
    const messages = Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` }));
    await producer.send({ topic: 'm', messages });
    const rest = await fetch(`${broker.httpUrl}/v3/clusters/${broker.state.clusterId}/topics/m/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: { type: 'STRING', data: 'via http' } }) });
    assert.equal(rest.status, 200);
    const consumer = new Consumer({ bootstrap: broker.bootstrap, groupId: 'metrics-group', autoOffsetReset: 'earliest', groupProtocol: 'classic', autoCommit: false });
    consumer.assign([{ topic: 'm', partition: 0 }, { topic: 'm', partition: 1 }]);
    let read = 0;
    for await (const _m of consumer) if (++read === 26) break;
    await consumer.commit([{ topic: 'm', partition: 0, offset: 1n }]);
    await consumer.close();

    const res = await fetch(`${broker.httpUrl}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parse(await res.text());
    assert.equal(m.get('kafka_server_brokertopicmetrics_messagesin_total{topic="m"}'), 26);
    assert.ok(m.get('kafka_server_brokertopicmetrics_bytesin_total{topic="m"}')! > 26 * 7);
    assert.ok(m.get('kafka_server_brokertopicmetrics_bytesout_total{topic="m"}')! >= m.get('kafka_server_brokertopicmetrics_bytesin_total{topic="m"}')!, 'every byte in was fetched');
    assert.ok(m.get('kafka_network_requestmetrics_requests_total{request="Produce"}')! >= 1);
    assert.ok(m.get('kafka_network_requestmetrics_request_duration_seconds_count{request="Fetch"}')! >= 1);
    const end0 = m.get('kafka_topic_partition_current_offset{topic="m",partition="0"}')!;
    const end1 = m.get('kafka_topic_partition_current_offset{topic="m",partition="1"}')!;
    assert.equal(end0 + end1, 26);
    assert.equal(m.get('kafka_consumergroup_current_offset{consumergroup="metrics-group",topic="m",partition="0"}'), 1);
    assert.equal(m.get('kafka_consumergroup_lag{consumergroup="metrics-group",topic="m",partition="0"}'), end0 - 1);
    assert.ok(m.get('process_resident_memory_bytes')! > 10e6);
    assert.equal(m.get('minikafka_connections')! >= 0, true);
  } finally {
    await Promise.allSettled([producer.close(), admin.close()]);
    await broker.close();
  }
});

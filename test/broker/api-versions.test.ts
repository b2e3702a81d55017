import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

test('ApiVersions answers every version 0-4 with the registry contents', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    for (let v = 0; v <= 4; v++) {
      const res = await client.request(ApiKey.ApiVersions, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      assert.equal(res.errorCode, ErrorCode.NONE, `v${v}`);
      const keys = res.apiKeys.map((k: { apiKey: number }) => k.apiKey);
      assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
      const produce = res.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiKey.Produce);
      assert.deepEqual([produce.minVersion, produce.maxVersion], [0, 12], 'Produce from v0, as Kafka 3.9 (and 4.x, KAFKA-18659)');
      const fetch = res.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiKey.Fetch);
      assert.deepEqual([fetch.minVersion, fetch.maxVersion], [0, 17], 'Fetch from v0, as Kafka 3.9');
      const range = (key: number) => {
        const k = res.apiKeys.find((x: { apiKey: number }) => x.apiKey === key);
        return k === undefined ? undefined : [k.minVersion, k.maxVersion];
      };
      assert.deepEqual([range(ApiKey.DeleteRecords), range(ApiKey.AlterConfigs), range(ApiKey.IncrementalAlterConfigs)], [[0, 2], [0, 2], [0, 1]], 'DeleteRecords, AlterConfigs, IncrementalAlterConfigs');
    }
  } finally {
    client.close();
    await broker.close();
  }
});

test('ApiVersions with a version we do not know gets UNSUPPORTED_VERSION in a v0 body (KIP-511)', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    // Hand-built: header v2 for ApiVersions v127, then a body we cannot know the layout of.
    const body = Buffer.from([0x00, 0x12, 0x00, 0x7f, 0, 0, 0, 9, 0, 1, 0x78, 0, 1, 2, 3]);
    const frame = Buffer.alloc(4 + body.length);
    frame.writeInt32BE(body.length, 0);
    body.copy(frame, 4);
    const got = await new Promise<Buffer>((resolve) => {
      client.socket.removeAllListeners('data');
      client.socket.once('data', (d) => resolve(d));
      client.writeRaw(frame);
    });
    assert.equal(got.readInt32BE(4), 9, 'correlation id echoed');
    assert.equal(got.readInt16BE(8), ErrorCode.UNSUPPORTED_VERSION);
    assert.ok(got.readInt32BE(10) > 5, 'v0 api key array follows');
  } finally {
    client.close();
    await broker.close();
  }
});

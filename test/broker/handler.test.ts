// The typed handler seam: key K's handler receives K's request and must return K's complete response.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, apiMessages } from '../../src/protocol/generated/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { defineHandler } from '../../src/broker/handler.js';
import { ApiRegistry } from '../../src/broker/api-registry.js';
import { registerHandlers } from '../../src/broker/handlers/index.js';

test('defineHandler names the handler from the schema and keeps its key and range', () => {
  const h = defineHandler(ApiKey.Heartbeat, { minVersion: 0, maxVersion: 4, handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE }) });
  assert.deepEqual([h.apiKey, h.name, h.minVersion, h.maxVersion], [12, 'Heartbeat', 0, 4]);
  assert.throws(() => defineHandler(9999 as typeof ApiKey.Heartbeat, { minVersion: 0, maxVersion: 0, handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE }) }), /no schema for api key 9999/);
});

test('the generated ApiKey table matches the schemas and every registered handler', () => {
  for (const [name, key] of Object.entries(ApiKey)) assert.equal(apiMessages[key]?.name, name);
  const registry = new ApiRegistry();
  registerHandlers(registry);
  for (const { apiKey } of registry.list()) assert.equal(registry.get(apiKey)!.name, apiMessages[apiKey]!.name);
});

// Compile-time checks: each @ts-expect-error below must stay an error, or `tsc` (npm run build) fails.
export const typeChecks = [
  defineHandler(ApiKey.Heartbeat, {
    minVersion: 0,
    maxVersion: 4,
    // @ts-expect-error a response without its errorCode (no schema default) does not type-check
    handle: () => ({ throttleTimeMs: 0 }),
  }),
  defineHandler(ApiKey.Heartbeat, {
    minVersion: 0,
    maxVersion: 4,
    // @ts-expect-error only Produce (acks=0) may answer nothing
    handle: () => null,
  }),
  defineHandler(ApiKey.Produce, {
    minVersion: 0,
    maxVersion: 12,
    // @ts-expect-error the request is typed by the key: a ProduceRequest has no groupId
    handle: (req) => ({ responses: [], throttleTimeMs: req.groupId as number }),
  }),
  defineHandler(ApiKey.Produce, { minVersion: 0, maxVersion: 12, handle: (req) => (req.acks === 0 ? null : { responses: [] }) }),
];

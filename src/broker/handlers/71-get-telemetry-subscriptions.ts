/**
 * GetTelemetrySubscriptions (key 71, KIP-714), v0: answered as Kafka answers with no client-metrics
 * subscription configured: the client gets an instance id (a new one if it sent the zero uuid), no
 * metrics to collect (so it never pushes), Kafka's default push interval (5 min) and size limit (1 MiB),
 * and the compression types Kafka accepts. PushTelemetry (72) is not served.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey, type GetTelemetrySubscriptionsRequest, type GetTelemetrySubscriptionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler } from '../handler.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const PUSH_INTERVAL_MS = 300_000;
const TELEMETRY_BYTES_MAX = 1024 * 1024;
/** zstd, lz4, gzip, snappy: Kafka's preference order, by record-batch compression id. */
const ACCEPTED_COMPRESSION = [4, 3, 1, 2];

export const getTelemetrySubscriptionsHandler = defineHandler(ApiKey.GetTelemetrySubscriptions, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: GetTelemetrySubscriptionsRequest): GetTelemetrySubscriptionsResponseInput {
    return {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE,
      clientInstanceId: req.clientInstanceId === ZERO_UUID ? randomUUID() : req.clientInstanceId,
      subscriptionId: 0, acceptedCompressionTypes: ACCEPTED_COMPRESSION, pushIntervalMs: PUSH_INTERVAL_MS,
      telemetryMaxBytes: TELEMETRY_BYTES_MAX, deltaTemporality: true, requestedMetrics: [],
    };
  },
});

// Topic config parsing for storage: the configs that shape a partition log, checked with Kafka's bounds.
import { StorageError } from './errors.js';
import type { CleanupPolicy, LogConfig, TimestampType } from './log-types.js';

/** Kafka 4's minimum for segment.bytes and log.segment.bytes (KIP-1030): tiny segments exhaust descriptors. */
export const SEGMENT_BYTES_MIN = 1024 * 1024;

/** Parses and checks the topic configs storage understands; others are stored as given. */
export function logConfigFrom(configs: Readonly<Record<string, string>>, defaults: LogConfig, internalSegmentBytes?: number): LogConfig {
  const out = { ...defaults };
  const int = (key: string, min: number): number | undefined => {
    const raw = configs[key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isSafeInteger(n) || n < min) {
      throw new StorageError('INVALID_CONFIG', `Invalid value ${raw} for configuration ${key}`);
    }
    return n;
  };
  out.segmentBytes = int('segment.bytes', SEGMENT_BYTES_MIN) ?? out.segmentBytes;
  if (out.segmentBytes > 0x7fffffff) throw new StorageError('INVALID_CONFIG', `segment.bytes ${out.segmentBytes} is above 2^31-1`);
  // Tests only (Kafka's internal.segment.bytes): below the minimum, never settable by a client.
  if (internalSegmentBytes !== undefined) out.segmentBytes = internalSegmentBytes;
  out.segmentMs = int('segment.ms', 1) ?? out.segmentMs;
  out.retentionMs = int('retention.ms', -1) ?? out.retentionMs;
  out.retentionBytes = int('retention.bytes', -Number.MAX_SAFE_INTEGER) ?? out.retentionBytes;
  out.indexIntervalBytes = int('index.interval.bytes', 0) ?? out.indexIntervalBytes;
  const tsType = configs['message.timestamp.type'];
  if (tsType !== undefined) out.timestampType = parseTimestampType(tsType);
  const policy = configs['cleanup.policy'];
  if (policy !== undefined) out.cleanupPolicy = parseCleanupPolicy(policy);
  out.deleteRetentionMs = int('delete.retention.ms', 0) ?? out.deleteRetentionMs;
  out.minCompactionLagMs = int('min.compaction.lag.ms', 0) ?? out.minCompactionLagMs;
  const ratio = configs['min.cleanable.dirty.ratio'];
  if (ratio !== undefined) {
    const r = Number(ratio);
    if (ratio.trim() === '' || !(r >= 0 && r <= 1)) throw new StorageError('INVALID_CONFIG', `Invalid value ${ratio} for configuration min.cleanable.dirty.ratio`);
    out.minCleanableDirtyRatio = r;
  }
  return out;
}

/** 'delete', 'compact', or both comma-separated (either order, spaces ignored). */
export function parseCleanupPolicy(raw: string): CleanupPolicy {
  const parts = raw.replace(/\s/g, '').split(',');
  const ok = parts.length <= 2 && parts.every((p) => p === 'delete' || p === 'compact') && new Set(parts).size === parts.length;
  if (!ok) throw new StorageError('INVALID_CONFIG', `Invalid value ${raw} for configuration cleanup.policy`);
  return { delete: parts.includes('delete'), compact: parts.includes('compact') };
}

export function parseTimestampType(raw: string): TimestampType {
  if (raw === 'CreateTime' || raw === 'LogAppendTime') return raw;
  throw new StorageError('INVALID_CONFIG', `Invalid value ${raw} for configuration message.timestamp.type`);
}

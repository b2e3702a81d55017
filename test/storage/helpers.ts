// Shared helpers for storage tests: batch builders and temp dirs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRecordBatch, validateRecordBatches } from '../../src/protocol/record-batch.js';

/** A batch of `count` records with `valueBytes` each; timestamp ts for every record. */
export function batch(count: number, opts: { valueBytes?: number; ts?: number; seed?: number } = {}): Buffer {
  const seed = opts.seed ?? 0;
  const records = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${seed}-${i}`),
    value: Buffer.alloc(opts.valueBytes ?? 10, (seed + i) & 0xff),
  }));
  return buildRecordBatch({ baseTimestamp: opts.ts ?? 1000, records });
}

export function concat(...bufs: Buffer[]): Buffer {
  return Buffer.concat(bufs);
}

/** Every batch of a read back buffer checks out (length, magic, CRC). */
export function allValid(buf: Buffer): boolean {
  return buf.length === 0 || validateRecordBatches(buf).ok;
}

export function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-storage-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

// Exactly-once records that are not requests, each an int16 version followed by its generated
// body (schemas/txn-records.ts): `__transaction_state` keys and values, control batches (commit
// and abort markers) and producer-state snapshot files.
import { crc32c } from './crc32c.js';
import { ProtocolDecodeError } from './errors.js';
import {
  decodeControlRecordKey,
  decodeProducerSnapshot,
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
  encodeProducerSnapshot,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  type ProducerSnapshotEntry,
  type ProducerSnapshotEntryInput,
  type TransactionLogValue,
  type TransactionLogValueInput,
} from './generated/txn-records.js';
import { BATCH_HEADER_BYTES, buildRecordBatch, isControlBatch, readBatchHeader } from './record-batch.js';
import { Reader } from './reader.js';
import { RecordWalker, RecordsError } from './records.js';
import { Writer } from './writer.js';

export type { ProducerSnapshotEntry, TransactionLogValue, TransactionLogValueInput };

/** Batch attribute bits of transactional and control batches. */
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

/** Kafka's TransactionState ids as stored in TransactionLogValue.transactionStatus. */
export const TxnStatus = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStatusId = (typeof TxnStatus)[keyof typeof TxnStatus];
export const TXN_STATUS_NAMES: readonly string[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

function versioned(version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  body(w);
  return w.toBuffer();
}

export function encodeTxnLogKey(transactionalId: string): Buffer {
  return versioned(0, (w) => encodeTransactionLogKey(w, 0, { transactionalId }));
}

/** The transactional id of a `__transaction_state` key; undefined for a key version we do not know. */
export function decodeTxnLogKey(buf: Buffer): string | undefined {
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== 0) return undefined;
  return decodeTransactionLogKey(r, 0).transactionalId;
}

/** We write value v1 (flexible), as Kafka 3.8+ does. */
export function encodeTxnLogValue(value: TransactionLogValueInput): Buffer {
  return versioned(1, (w) => encodeTransactionLogValue(w, 1, value));
}

export function decodeTxnLogValue(buf: Buffer): TransactionLogValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 1) throw new ProtocolDecodeError(`TransactionLogValue version ${version} is unknown`);
  return decodeTransactionLogValue(r, version);
}

export const CONTROL_ABORT = 0;
export const CONTROL_COMMIT = 1;

export interface MarkerInput {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
  timestampMs: number;
}

/** A control batch holding one commit or abort marker (baseOffset 0: the log assigns it). */
export function buildMarkerBatch(m: MarkerInput): Buffer {
  const key = versioned(0, (w) => encodeControlRecordKey(w, 0, { type: m.commit ? CONTROL_COMMIT : CONTROL_ABORT }));
  const value = versioned(0, (w) => encodeEndTxnMarkerValue(w, 0, { coordinatorEpoch: m.coordinatorEpoch }));
  return buildRecordBatch({
    attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
    baseTimestamp: m.timestampMs,
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    baseSequence: -1,
    records: [{ key, value }],
  });
}

/**
 * The marker type (CONTROL_ABORT / CONTROL_COMMIT) of the control batch at buf[pos], from its first
 * record's key; undefined if the batch is not a control batch or its key is not one we know.
 * Control batches are never compressed (the broker writes them).
 */
export function controlBatchType(buf: Buffer, pos: number): number | undefined {
  const h = readBatchHeader(buf, pos);
  if (!isControlBatch(h.attributes) || h.recordCount < 1 || pos + h.sizeBytes > buf.length) return undefined;
  try {
    const walker = new RecordWalker().reset(buf.subarray(pos + BATCH_HEADER_BYTES, pos + h.sizeBytes), h.recordCount, h.lastOffsetDelta);
    const keyBytes = walker.next() ? walker.key() : null;
    if (keyBytes === null || keyBytes.length < 4) return undefined;
    const key = new Reader(keyBytes);
    if (key.int16() !== 0) return undefined;
    const type = decodeControlRecordKey(key, 0).type;
    return type === CONTROL_ABORT || type === CONTROL_COMMIT ? type : undefined;
  } catch (err) {
    if (err instanceof ProtocolDecodeError || err instanceof RecordsError) return undefined;
    throw err;
  }
}

/** The marker type of a control record's key (CONTROL_ABORT / CONTROL_COMMIT), or undefined for any other key. */
export function controlKeyType(key: Buffer): number | undefined {
  try {
    const r = new Reader(key);
    if (r.int16() !== 0) return undefined;
    const type = decodeControlRecordKey(r, 0).type;
    return type === CONTROL_ABORT || type === CONTROL_COMMIT ? type : undefined;
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return undefined;
    throw err;
  }
}

const SNAPSHOT_VERSION = 1;
const SNAPSHOT_HEADER_BYTES = 6; // int16 version + uint32 crc

export function encodeProducerSnapshotFile(entries: ProducerSnapshotEntryInput[]): Buffer {
  const w = new Writer(64 + entries.length * 42);
  encodeProducerSnapshot(w, SNAPSHOT_VERSION, { producerEntries: entries });
  const body = w.toBuffer();
  const out = Buffer.alloc(SNAPSHOT_HEADER_BYTES + body.length);
  out.writeInt16BE(SNAPSHOT_VERSION, 0);
  out.writeUInt32BE(crc32c(body), 2);
  body.copy(out, SNAPSHOT_HEADER_BYTES);
  return out;
}

/** Throws ProtocolDecodeError for a file that is truncated, of another version or fails its CRC. */
export function decodeProducerSnapshotFile(buf: Buffer): ProducerSnapshotEntry[] {
  if (buf.length < SNAPSHOT_HEADER_BYTES) throw new ProtocolDecodeError('producer snapshot: truncated');
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new ProtocolDecodeError(`producer snapshot: version ${version}`);
  const body = buf.subarray(SNAPSHOT_HEADER_BYTES);
  if (crc32c(body) !== buf.readUInt32BE(2)) throw new ProtocolDecodeError('producer snapshot: CRC mismatch');
  const r = new Reader(body);
  const snapshot = decodeProducerSnapshot(r, SNAPSHOT_VERSION);
  if (r.remaining !== 0) throw new ProtocolDecodeError('producer snapshot: trailing bytes');
  return snapshot.producerEntries;
}

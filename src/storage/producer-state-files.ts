// Producer state on disk, in the partition directory:
//   <offset>.snapshot  the producer state as of `offset` (20 digits): every producer's epoch, last
//                      batches and open transaction (format in src/protocol/schemas/txn-records.ts).
//                      A row's `timestamp` is its batch's maxTimestamp, as in Kafka's snapshot (-1 for
//                      a producer without batches, and for a timestamp out of range). Snapshots of
//                      older builds hold the broker's append time there: read the same way.
//                      Written atomically when a segment rolls (at the new segment's base) and at a
//                      clean shutdown (at the log end). The newest two are kept.
//   <base>.txnindex    the aborted transactions whose abort marker sits in the segment starting at
//                      `base`, Kafka's layout: 34-byte entries of int16 version 0, int64 producerId,
//                      int64 firstOffset, int64 lastOffset (the marker), int64 lastStableOffset.
//                      Written when the segment is sealed (roll, clean shutdown); the active
//                      segment's entries are rebuilt from the log.
// Loading: the newest snapshot at or below the log end that checks out, the index files below it,
// then the batches from the snapshot's offset to the log end replayed (after a crash, the active
// segment; none after a clean shutdown). Both files are caches of the log: a bad one is dropped
// and the log replayed from further back.
import { ProtocolDecodeError } from '../protocol/errors.js';
import { decodeProducerSnapshotFile, encodeProducerSnapshotFile, type ProducerSnapshotEntry } from '../protocol/txn-records.js';
import { writeFileAtomic, type StorageFs } from './fs.js';
import type { Logger } from './log-types.js';
import { type AbortedTxn, batchTimestampMs, type ProducerEntry, ProducerStateManager } from './producer-state.js';
import { segmentFileName } from './segment.js';

export const SNAPSHOT_SUFFIX = '.snapshot';
export const TXN_INDEX_SUFFIX = '.txnindex';
const TXN_ENTRY_BYTES = 34;
const SNAPSHOTS_KEPT = 2;

export function parseOffsetFileName(name: string, suffix: string): number | undefined {
  if (!name.endsWith(suffix)) return undefined;
  const digits = name.slice(0, -suffix.length);
  return /^\d{20}$/.test(digits) ? Number(digits) : undefined;
}

/** What loading needs from the log: its files and a way to replay its batches. */
export interface ProducerStateHost {
  fs: StorageFs;
  dir: string;
  logger: Logger;
  ctx: object;
  logStartOffset: number;
  logEndOffset: number;
  /** Base offsets of the segments, ascending. */
  segmentBases: readonly number[];
  /** Calls visit(batchBytes, baseOffset) for every batch from `fromOffset` to the log end. */
  replay(fromOffset: number, visit: (batch: Buffer, baseOffset: number) => void): void;
  nowMs: number;
}

export class ProducerStateFiles {
  /** Aborted transactions per segment base, for segments not yet written to their .txnindex. */
  private readonly pending = new Map<number, AbortedTxn[]>();
  /** Base offset of the log's active segment, where new abort markers go. */
  private activeBase = 0;

  constructor(private readonly fs: StorageFs, private readonly dir: string, private readonly logger: Logger, private readonly ctx: object) {}

  static load(host: ProducerStateHost): { state: ProducerStateManager; files: ProducerStateFiles } {
    const files = new ProducerStateFiles(host.fs, host.dir, host.logger, host.ctx);
    const state = new ProducerStateManager();
    const names = host.fs.readdir(host.dir);
    const snapshots = names.map((n) => parseOffsetFileName(n, SNAPSHOT_SUFFIX)).filter((o): o is number => o !== undefined).sort((a, b) => b - a);
    let from = host.segmentBases[0] ?? host.logStartOffset;
    for (const offset of snapshots) {
      if (offset > host.logEndOffset) {
        host.fs.rm(files.snapshotPath(offset)); // describes batches lost with a torn tail
        continue;
      }
      const entries = files.readSnapshot(offset, host.nowMs);
      if (entries === undefined) continue;
      for (const e of entries) state.restoreEntry(e);
      from = Math.max(offset, from);
      break;
    }
    files.activeBase = host.segmentBases.at(-1) ?? host.logStartOffset;
    state.restoreAborted(files.readTxnIndexes(from, host.logStartOffset));
    const baseFor = (offset: number): number => {
      let base = host.segmentBases[0] ?? 0;
      for (const b of host.segmentBases) if (b <= offset) base = b;
      return base;
    };
    // Replayed markers lie in the segments of open time; later ones in the active segment of their time.
    state.onAbort = (txn) => files.addAborted(txn.lastOffset >= files.activeBase ? files.activeBase : baseFor(txn.lastOffset), txn);
    let replayed = 0;
    host.replay(from, (batch, baseOffset) => {
      const check = state.check(batch, 'replay');
      state.apply(check, baseOffset, host.nowMs);
      replayed += 1;
    });
    // Sealed segments rebuilt by the replay get their index files now; the active one at its seal.
    const active = host.segmentBases.at(-1);
    for (const base of [...files.pending.keys()]) if (base !== active) files.writeTxnIndex(base);
    if (replayed > 0) host.logger.info({ ...host.ctx, fromOffset: from, batches: replayed, producers: state.producerCount }, 'rebuilt producer state from the log');
    return { state, files };
  }

  snapshotPath(offset: number): string {
    return `${this.dir}/${segmentFileName(offset, SNAPSHOT_SUFFIX)}`;
  }

  private txnIndexPath(base: number): string {
    return `${this.dir}/${segmentFileName(base, TXN_INDEX_SUFFIX)}`;
  }

  private readSnapshot(offset: number, nowMs: number): ProducerEntry[] | undefined {
    try {
      return fromSnapshotEntries(decodeProducerSnapshotFile(this.fs.readFile(this.snapshotPath(offset))), nowMs);
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
      this.logger.warn({ ...this.ctx, offset, reason: err.message }, 'unreadable producer snapshot; replaying the log from further back');
      this.fs.rm(this.snapshotPath(offset));
      return undefined;
    }
  }

  /** Writes the state as of `offset` and removes all but the newest snapshots. */
  writeSnapshot(state: ProducerStateManager, offset: number): void {
    writeFileAtomic(this.fs, this.snapshotPath(offset), encodeProducerSnapshotFile(toSnapshotEntries(state)));
    const older = this.fs.readdir(this.dir)
      .map((n) => parseOffsetFileName(n, SNAPSHOT_SUFFIX))
      .filter((o): o is number => o !== undefined)
      .sort((a, b) => b - a)
      .slice(SNAPSHOTS_KEPT);
    for (const o of older) this.fs.rm(this.snapshotPath(o));
  }

  /** Index entries from every .txnindex file below `replayFrom` (those at or past it are rebuilt by the replay). */
  private readTxnIndexes(replayFrom: number, logStartOffset: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const name of this.fs.readdir(this.dir)) {
      const base = parseOffsetFileName(name, TXN_INDEX_SUFFIX);
      if (base === undefined) continue;
      if (base >= replayFrom) {
        this.fs.rm(this.txnIndexPath(base));
        continue;
      }
      const buf = this.fs.readFile(this.txnIndexPath(base));
      for (let pos = 0; pos + TXN_ENTRY_BYTES <= buf.length; pos += TXN_ENTRY_BYTES) {
        const txn = decodeTxnEntry(buf, pos);
        if (txn === undefined) {
          this.logger.warn({ ...this.ctx, base, pos }, 'bad transaction index entry; ignored');
          continue;
        }
        if (txn.lastOffset >= logStartOffset && txn.lastOffset < replayFrom) out.push(txn);
      }
      // The active segment's file is written again when it is sealed: with these entries too.
      if (base === this.activeBase) this.pending.set(base, out.filter((t) => t.lastOffset >= base));
    }
    return out;
  }

  addAborted(segmentBase: number, txn: AbortedTxn): void {
    const list = this.pending.get(segmentBase);
    if (list === undefined) this.pending.set(segmentBase, [txn]);
    else list.push(txn);
  }

  /** The log rolled: `sealedBase`'s aborted transactions are written, new ones go to `activeBase`. */
  rolled(sealedBase: number, activeBase: number): void {
    this.writeTxnIndex(sealedBase);
    this.activeBase = activeBase;
  }

  /** Writes the aborted transactions of a segment being sealed (a roll or a clean shutdown). */
  writeTxnIndex(segmentBase: number): void {
    const list = this.pending.get(segmentBase);
    if (list === undefined || list.length === 0) return;
    const buf = Buffer.alloc(list.length * TXN_ENTRY_BYTES);
    list.forEach((t, i) => encodeTxnEntry(buf, i * TXN_ENTRY_BYTES, t));
    writeFileAtomic(this.fs, this.txnIndexPath(segmentBase), buf);
    this.pending.delete(segmentBase);
  }

  /**
   * The log cleaner replaced the segments `oldBases` by `newBases` (both ascending, the same range):
   * their index files now hold `kept`, each entry in the file of the segment holding its marker.
   * Written after the swap: a crash in between leaves entries of removed data, which read_committed
   * readers skip harmlessly and the next pass drops.
   */
  replaceTxnIndexes(oldBases: readonly number[], newBases: readonly number[], kept: readonly AbortedTxn[]): void {
    const byBase = new Map<number, AbortedTxn[]>();
    for (const txn of kept) {
      let base = newBases[0]!;
      for (const b of newBases) if (b <= txn.lastOffset) base = b;
      const list = byBase.get(base) ?? [];
      list.push(txn);
      byBase.set(base, list);
    }
    for (const base of oldBases) {
      this.pending.delete(base);
      if (!byBase.has(base)) this.fs.rm(this.txnIndexPath(base));
    }
    for (const [base, list] of byBase) {
      this.pending.set(base, list.sort((a, b) => a.lastOffset - b.lastOffset));
      this.writeTxnIndex(base);
    }
  }

  /** Removes snapshots and index files wholly below the first remaining segment (retention). */
  deleteBelow(firstSegmentBase: number): void {
    for (const name of this.fs.readdir(this.dir)) {
      const idx = parseOffsetFileName(name, TXN_INDEX_SUFFIX) ?? parseOffsetFileName(name, SNAPSHOT_SUFFIX);
      // A snapshot below the first segment is of no use: a replay starts at the first segment at the earliest.
      if (idx !== undefined && idx < firstSegmentBase) this.fs.rm(`${this.dir}/${name}`);
    }
    for (const base of [...this.pending.keys()]) if (base < firstSegmentBase) this.pending.delete(base);
  }
}

function encodeTxnEntry(buf: Buffer, pos: number, t: AbortedTxn): void {
  buf.writeInt16BE(0, pos);
  buf.writeBigInt64BE(BigInt(t.producerId), pos + 2);
  buf.writeBigInt64BE(BigInt(t.firstOffset), pos + 10);
  buf.writeBigInt64BE(BigInt(t.lastOffset), pos + 18);
  buf.writeBigInt64BE(BigInt(t.lastStableOffset), pos + 26);
}

function decodeTxnEntry(buf: Buffer, pos: number): AbortedTxn | undefined {
  if (buf.readInt16BE(pos) !== 0) return undefined;
  const nums = [2, 10, 18, 26].map((o) => buf.readBigInt64BE(pos + o));
  if (nums.some((n) => n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER))) return undefined;
  const [producerId, firstOffset, lastOffset, lastStableOffset] = nums.map(Number) as [number, number, number, number];
  if (firstOffset > lastOffset) return undefined;
  return { producerId, firstOffset, lastOffset, lastStableOffset };
}

function toSnapshotEntries(state: ProducerStateManager): ProducerSnapshotEntry[] {
  const out: ProducerSnapshotEntry[] = [];
  for (const e of state.allEntries()) {
    const common = {
      producerId: BigInt(e.producerId),
      epoch: e.epoch,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnFirstOffset: BigInt(e.currentTxnFirstOffset),
    };
    if (e.batches.length === 0) {
      out.push({ ...common, lastSequence: -1, lastOffset: -1n, offsetDelta: 0, timestamp: -1n });
      continue;
    }
    for (const b of e.batches) {
      out.push({ ...common, lastSequence: b.lastSeq, lastOffset: BigInt(b.lastOffset), offsetDelta: b.lastOffset - b.firstOffset, timestamp: BigInt(b.timestampMs) });
    }
  }
  return out;
}

/**
 * Snapshot rows back into entries; rows that cannot be ours (negative offsets, huge ids) make the file
 * unreadable. A row's timestamp is the batch's, from a client's clock: one out of range is kept as -1,
 * never a reason to drop the file. Expiry runs on the broker's clock, which the snapshot does not
 * hold: a restored producer counts from `nowMs`, the load (a full producer.id.expiration.ms after a
 * restart, never an early expiry from a client's old or future timestamps).
 */
function fromSnapshotEntries(rows: ProducerSnapshotEntry[], nowMs: number): ProducerEntry[] {
  const byId = new Map<number, ProducerEntry>();
  const safe = (v: bigint, what: string): number => {
    if (v < -1n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolDecodeError(`producer snapshot: ${what} out of range`);
    return Number(v);
  };
  for (const row of rows) {
    const producerId = safe(row.producerId, 'producer id');
    if (producerId < 0 || row.offsetDelta < 0) throw new ProtocolDecodeError('producer snapshot: negative producer id or delta');
    let entry = byId.get(producerId);
    const timestampMs = row.timestamp > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : batchTimestampMs(Number(row.timestamp));
    if (entry === undefined) {
      entry = { producerId, epoch: row.epoch, batches: [], coordinatorEpoch: row.coordinatorEpoch, currentTxnFirstOffset: safe(row.currentTxnFirstOffset, 'transaction offset'), lastUpdateMs: nowMs };
      byId.set(producerId, entry);
    }
    const lastOffset = safe(row.lastOffset, 'offset');
    if (row.lastSequence < 0 || lastOffset < 0) continue;
    const back = row.lastSequence - row.offsetDelta;
    const firstSeq = back < 0 ? back + 0x80000000 : back; // sequences wrap after 2^31-1
    entry.batches.push({ firstSeq, lastSeq: row.lastSequence, firstOffset: lastOffset - row.offsetDelta, lastOffset, timestampMs });
  }
  return [...byId.values()];
}

// Log compaction (Kafka's log cleaner) for logs whose cleanup.policy includes 'compact'.
//
// A pass covers the cleanable range: the sealed segments from the log start up to the first one
// that is the active segment, has unsynced data or a sync in flight, or is younger than
// min.compaction.lag.ms (by its largest timestamp). It runs when the dirty bytes (segments holding
// offsets at or past the end of the previous pass, held in memory: after a restart everything is
// dirty once) are at least min.cleanable.dirty.ratio of the range, or a tombstone's delete horizon
// has passed, or when forced.
//
// The range never reaches the segment holding the first offset of an open transaction (the LSO).
//
// Pass 1 maps every key in the range to its latest offset (records of aborted transactions left
// out). Pass 2 rewrites the range in groups of
// consecutive segments (up to segment.bytes): a record is kept iff it is the latest for its key
// (records without a key are kept: the append path refuses them on compacted logs), and a tombstone
// only until its batch's delete horizon. Transactions follow Kafka's rules (cleaner-txn.ts): aborted
// records go, markers go in two passes once their data is gone, a producer's last batch stays. As in Kafka (KIP-534), a batch that keeps a tombstone gets
// the delete-horizon bit and baseTimestamp = cleaning time + delete.retention.ms; tombstones go in
// the first pass after that. A rewritten batch keeps its baseOffset, lastOffsetDelta, producer
// fields and attributes (rebuildBatch in record-batch.ts); offsets are preserved, so a cleaned log has gaps. A
// batch left with no records is dropped, except the last one of a group, which is replaced by an
// empty batch without producer fields so that every segment still ends where the next one starts
// (recovery checks that). Groups where nothing changes are not rewritten. A batch whose records cannot be read (corrupt, or decompressing beyond decompressedBytesMax: a
// bomb stored before the topic became compacted), with one bounded warning per pass.
//
// Records are read with the protocol's one walker (records.ts) after bounded decompression
// (records-codecs.ts); a kept record is copied as stored (only its timestamp delta is rewritten when
// the batch gets a delete horizon). A pass yields to the event loop every few milliseconds
// (invariant 8: an 84 MB dirty log once blocked every client for 1.2 s), reads and writes the
// segments batch by batch, and decompresses off the loop; the log pauses retention meanwhile and
// aborts the pass (discarding its '.cleaned' files) if it is closed or deleted.
//
// Swap, crash-safe: the group's replacement is written as <base>.{log,index,timeindex}.cleaned and
// synced; renamed to .swap (.log last: '<base>.log.swap' existing is the commit point); the old
// segments are deleted; the .swap files are renamed into place (.log last). On open,
// completeInterruptedSwaps() removes '.cleaned' leftovers and finishes any committed swap.
import type { StorageFs } from './fs.js';
import type { CompactionResult, LogConfig, Logger } from './log-types.js';
import { EMPTY_MARKER, GroupTransactions, isProducersLastBatch, type CleanerTxnHost } from './cleaner-txn.js';
import { INDEX_SUFFIX, LOG_SUFFIX, Segment, TIME_INDEX_SUFFIX, parseSegmentFileName, segmentFileName, type BatchLocation } from './segment.js';
import {
  ATTR_DELETE_HORIZON, BATCH_HEADER_BYTES, compression, deleteHorizonMs, isControlBatch, isLogAppendTime, readBatchHeader, rebuildBatch,
  type BatchHeader,
} from '../protocol/record-batch.js';
import { BatchReader, CleanerAbortedError, Slicer, keyOf, type OpenBatch } from './cleaner-reader.js';
import { compress, compressXerialSnappy, isXerialSnappy } from '../protocol/compression.js';
import { controlBatchType } from '../protocol/txn-records.js';
import { assert } from '../invariant.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
const INT32_MAX = 0x7fffffff;

export { CleanerAbortedError } from './cleaner-reader.js';

/** What the cleaner needs from its PartitionLog. */
export interface CleanerHost extends CleanerTxnHost {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly config: LogConfig;
  readonly logger: Logger;
  readonly ctx: object;
  /** Every segment, oldest first; the last is the active one. */
  readonly segments: readonly Segment[];
  /** False once the log is closed, deleted or offline: the pass stops at its next yield. */
  readonly usable: boolean;
  /** Replaces `old` (consecutive, in the list) by `cleaned`. */
  replaceSegments(old: readonly Segment[], cleaned: Segment): void;
  /** An I/O failure after a swap's commit point: the log must go offline (reopening finishes the swap). */
  failed(err: unknown): void;
}

/** Per-log cleaner memory (not persisted: a restart makes the whole log dirty once). */
export class CleanerState {
  /** Offsets at or past this were appended after the last pass. */
  firstDirtyOffset = 0;
  /** Earliest delete horizon of a tombstone still in the log, if known. */
  nextHorizonMs: number | undefined;
}

function emptyResult(ran: boolean): CompactionResult {
  return { ran, segmentsRewritten: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesBefore: 0, bytesAfter: 0, undecodableBatches: 0 };
}

/** One pass of the cleaner over `host`'s log; yields to the event loop (see the file comment). */
export async function cleanLog(host: CleanerHost, state: CleanerState, nowMs: number, force: boolean): Promise<CompactionResult> {
  const range = cleanableRange(host, nowMs);
  if (range.length === 0) return emptyResult(false);
  const end = host.segments[range.length]!.baseOffset;
  if (!force && !worthCleaning(host, state, range, nowMs)) return emptyResult(false);
  const result = emptyResult(true);
  const ends = range.map((_, i) => host.segments[i + 1]!.baseOffset);
  const reader = new BatchReader(host, result, new Slicer(host));
  const latest = await latestOffsets(host, range, ends, reader);
  const pass = new GroupCleaner(host, reader, latest, nowMs, result);
  const endOf = new Map(range.map((seg, i) => [seg, ends[i]!]));
  for (const group of groupSegments(host, range, ends)) await pass.clean(group, endOf);
  state.firstDirtyOffset = end;
  state.nextHorizonMs = pass.nextHorizonMs;
  if (result.segmentsRewritten > 0) host.logger.info({ ...host.ctx, ...result }, 'compacted log');
  return result;
}

function cleanableRange(host: CleanerHost, nowMs: number): Segment[] {
  const out: Segment[] = [];
  const lagMs = host.config.minCompactionLagMs;
  host.segments.forEach((seg, i) => {
    const next = host.segments[i + 1];
    assert(next === undefined || next.baseOffset > seg.baseOffset, () => `segments ${seg.baseOffset} and ${next!.baseOffset} out of order`);
  });
  const unstable = host.firstUnstableOffset();
  for (const [i, seg] of host.segments.slice(0, -1).entries()) {
    if (seg.dirty || seg.syncing) break;
    if (unstable !== undefined && host.segments[i + 1]!.baseOffset > unstable) break;
    if (lagMs > 0 && seg.maxTimestamp().timestamp > nowMs - lagMs) break;
    out.push(seg);
  }
  return out;
}

function worthCleaning(host: CleanerHost, state: CleanerState, range: Segment[], nowMs: number): boolean {
  if (state.nextHorizonMs !== undefined && nowMs >= state.nextHorizonMs) return true;
  let total = 0;
  let dirty = 0;
  range.forEach((seg, i) => {
    const size = seg.sizeBytes();
    total += size;
    if (host.segments[i + 1]!.baseOffset > state.firstDirtyOffset) dirty += size;
  });
  return dirty > 0 && dirty / total >= host.config.minCleanableDirtyRatio;
}



/** CONTROL_ABORT / CONTROL_COMMIT, EMPTY_MARKER for a control batch without records, undefined for an unknown one. */
function markerType(raw: Buffer, h: BatchHeader): number | undefined {
  return h.recordCount === 0 ? EMPTY_MARKER : controlBatchType(raw, 0);
}

/** Pass 1: key → offset of its latest record in the range (aborted records never supersede others). */
async function latestOffsets(host: CleanerHost, range: Segment[], ends: number[], reader: BatchReader): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const txns = new GroupTransactions();
  for (const [i, seg] of range.entries()) {
    txns.addAborted(host.abortedTxns(seg.baseOffset, ends[i]!));
    for await (const { raw } of reader.batches(seg)) {
      const h = readBatchHeader(raw, 0);
      if (isControlBatch(h.attributes)) {
        txns.onMarker(h, markerType(raw, h));
        continue;
      }
      if (txns.onBatch(h)) continue;
      const b = await reader.open(raw, false);
      if (b === undefined) continue;
      const base = b.header.baseOffset;
      await reader.forEachRecord(b, (w) => {
        if (w.keyLength >= 0) latest.set(keyOf(w), base + w.offsetDelta);
      });
    }
  }
  return latest;
}

/** Consecutive segments whose total size fits segment.bytes and whose offsets fit an int32 span. */
function groupSegments(host: CleanerHost, range: Segment[], ends: number[]): Segment[][] {
  const groups: Segment[][] = [];
  let group: Segment[] = [];
  let bytes = 0;
  range.forEach((seg, i) => {
    const endOffset = ends[i]!;
    const fits = group.length > 0 && bytes + seg.sizeBytes() <= host.config.segmentBytes && endOffset - 1 - group[0]!.baseOffset <= INT32_MAX;
    if (group.length > 0 && !fits) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(seg);
    bytes += seg.sizeBytes();
  });
  if (group.length > 0) groups.push(group);
  return groups;
}

class GroupCleaner {
  nextHorizonMs: number | undefined;

  constructor(
    private readonly host: CleanerHost,
    private readonly reader: BatchReader,
    private readonly latest: Map<string, number>,
    private readonly nowMs: number,
    private readonly result: CompactionResult,
  ) {}

  private noteHorizon(ms: number): void {
    this.nextHorizonMs = this.nextHorizonMs === undefined ? ms : Math.min(this.nextHorizonMs, ms);
  }

  /**
   * Rewrites `group` into one cleaned segment if any batch in it changes. Batches before the first
   * change are remembered by location only and copied once a change shows up.
   */
  async clean(group: Segment[], endOf: ReadonlyMap<Segment, number>): Promise<void> {
    let writer: Segment | undefined;
    let unchanged: Array<{ seg: Segment; loc: BatchLocation }> = [];
    let last: { header: BatchHeader; emitted: boolean } | undefined;
    let bytesBefore = 0;
    let bytesAfter = 0;
    const write = (b: Buffer): void => {
      const h = readBatchHeader(b, 0);
      writer!.append(b, h.baseOffset + h.lastOffsetDelta + 1);
      bytesAfter += b.length;
    };
    const txns = new GroupTransactions();
    try {
      for (const seg of group) {
        bytesBefore += seg.sizeBytes();
        txns.addAborted(this.host.abortedTxns(seg.baseOffset, endOf.get(seg)!));
        for await (const { loc, raw } of this.reader.batches(seg)) {
          const kept = await this.cleanBatch(raw, txns);
          last = { header: readBatchHeader(raw, 0), emitted: kept !== undefined };
          if (writer === undefined && kept === raw) {
            unchanged.push({ seg, loc });
            continue;
          }
          if (writer === undefined) {
            writer = this.createCleaned(group[0]!.baseOffset);
            for (const u of unchanged) {
              write(u.seg.read(u.loc.position, u.loc.sizeBytes));
              await this.reader.slicer.maybeYield();
            }
            unchanged = [];
          }
          if (kept !== undefined) write(kept);
        }
      }
      const bases = group.map((seg) => seg.baseOffset);
      const end = endOf.get(group[group.length - 1]!)!;
      if (writer === undefined) {
        this.host.replaceAborted(bases, bases, end, txns.kept);
        return;
      }
      // The group's last batch stays (empty if need be): the cleaned segment ends where the old ones did.
      if (last !== undefined && !last.emitted) write(fillerBatch(last.header));
      writer.seal();
      await writer.sync(true);
      if (!this.host.usable) throw new CleanerAbortedError();
    } catch (err) {
      if (writer !== undefined) this.discard(writer);
      throw err;
    }
    this.swapIn(group, writer);
    this.host.replaceAborted(group.map((seg) => seg.baseOffset), [group[0]!.baseOffset], endOf.get(group[group.length - 1]!)!, txns.kept);
    this.result.segmentsRewritten += group.length;
    this.result.bytesBefore += bytesBefore;
    this.result.bytesAfter += bytesAfter;
  }

  /** The batch to keep: `raw` itself when unchanged, a rewrite, or undefined when nothing is left. */
  private async cleanBatch(raw: Buffer, txns: GroupTransactions): Promise<Buffer | undefined> {
    const header = readBatchHeader(raw, 0);
    const control = isControlBatch(header.attributes);
    const producersLast = isProducersLastBatch(header, control, this.host.producerLastRecord(header.producerId));
    if (control) return this.cleanMarker(raw, header, txns.onMarker(header, markerType(raw, header)), producersLast);
    const emptied = (): Buffer | undefined => (producersLast ? (header.recordCount === 0 ? raw : emptyBatch(header)) : undefined);
    if (txns.onBatch(header)) {
      this.result.recordsRemoved += header.recordCount;
      return emptied();
    }
    // An empty batch: the producer's last one (kept while it is), or a group's end (kept as it is).
    if (header.recordCount === 0) return header.producerId < 0 ? raw : emptied();
    const b = await this.reader.open(raw, true);
    if (b === undefined) return raw;
    const h = b.header;
    const horizon = deleteHorizonMs(h);
    const expired = horizon !== undefined && this.nowMs >= horizon;
    const keep = new Uint8Array(h.recordCount);
    let kept = 0;
    let keepsTombstone = false;
    let i = 0;
    await this.reader.forEachRecord(b, (w) => {
      const isLatest = w.keyLength < 0 || this.latest.get(keyOf(w)) === h.baseOffset + w.offsetDelta;
      const tombstone = w.valueLength < 0;
      if (isLatest && !(tombstone && expired)) {
        keep[i] = 1;
        kept += 1;
        keepsTombstone ||= tombstone;
      } else {
        this.result.recordsRemoved += 1;
        if (tombstone) this.result.tombstonesRemoved += 1;
      }
      i += 1;
    });
    const newHorizon = keepsTombstone && horizon === undefined ? this.nowMs + this.host.config.deleteRetentionMs : undefined;
    if (keepsTombstone) this.noteHorizon(newHorizon ?? horizon!);
    if (kept === h.recordCount && newHorizon === undefined) return raw;
    if (kept === 0) return emptied();
    return this.rewrite(b, keep, kept, newHorizon);
  }

  /**
   * A transaction marker (Kafka's two passes): one that may go (`discardable`) first gets a delete
   * horizon, and goes in the first pass after it; a producer's last one stays, emptied.
   */
  private async cleanMarker(raw: Buffer, h: BatchHeader, discardable: boolean, producersLast: boolean): Promise<Buffer | undefined> {
    if (!discardable) return raw;
    const horizon = deleteHorizonMs(h);
    if (horizon !== undefined && this.nowMs >= horizon) {
      if (!producersLast) return undefined;
      return h.recordCount === 0 ? raw : emptyBatch(h);
    }
    if (horizon !== undefined) {
      this.noteHorizon(horizon);
      return raw;
    }
    const newHorizon = this.nowMs + this.host.config.deleteRetentionMs;
    this.noteHorizon(newHorizon);
    if (h.recordCount === 0) {
      return rebuildBatch(h, { attributes: h.attributes | ATTR_DELETE_HORIZON, baseTimestamp: newHorizon, maxTimestamp: h.maxTimestamp, recordCount: 0, section: Buffer.alloc(0) });
    }
    const b = await this.reader.open(raw, false, true);
    return b === undefined ? raw : this.rewrite(b, new Uint8Array(h.recordCount).fill(1), h.recordCount, newHorizon);
  }

  /**
   * Kafka's cleaner rewrite: the kept records, as stored, under the same header fields; with a new
   * delete horizon, baseTimestamp becomes it (KIP-534) and the records' timestamp deltas move with it.
   */
  private async rewrite(b: OpenBatch, keep: Uint8Array, kept: number, horizonMs: number | undefined): Promise<Buffer> {
    const h = b.header;
    // Record timestamps are relative to baseTimestamp, whatever it holds (a horizon once one is set).
    const recordBase = h.baseTimestamp;
    const baseTimestamp = horizonMs ?? h.baseTimestamp;
    const out = Buffer.allocUnsafe(b.section.length + kept * 10);
    let at = 0;
    let i = 0;
    let maxTimestamp = -1;
    await this.reader.forEachRecord(b, (w) => {
      if (keep[i++] !== 1) return;
      const timestamp = recordBase + w.timestampDelta;
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      at = w.copyRecord(out, at, timestamp - baseTimestamp);
    });
    let section: Buffer = out.subarray(0, at);
    const codec = compression(h.attributes)!;
    // Snappy keeps its framing: Java producers write xerial blocks, others raw snappy.
    if (codec === 'snappy' && isXerialSnappy(b.raw.subarray(BATCH_HEADER_BYTES))) section = await compressXerialSnappy(section);
    else if (codec !== 'none') section = await compress(codec, section);
    const attributes = horizonMs === undefined ? h.attributes : h.attributes | ATTR_DELETE_HORIZON;
    return rebuildBatch(h, { attributes, baseTimestamp, maxTimestamp: isLogAppendTime(h.attributes) ? h.maxTimestamp : maxTimestamp, recordCount: kept, section });
  }

  /** Removes an unfinished '.cleaned' segment; if that fails (a deleted topic's dir was renamed), the next open removes it. */
  private discard(writer: Segment): void {
    try {
      writer.delete();
    } catch (err) {
      this.host.logger.warn({ ...this.host.ctx, err }, 'could not remove an unfinished cleaned segment; it goes at the next open');
    }
  }

  private createCleaned(base: number): Segment {
    const { fs, dir, config } = this.host;
    for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.rm(`${dir}/${segmentFileName(base, suffix)}${CLEANED_SUFFIX}`);
    return Segment.create(fs, dir, base, config.indexIntervalBytes, this.nowMs, CLEANED_SUFFIX);
  }

  private swapIn(group: Segment[], cleaned: Segment): void {
    const swap = cleaned.renameTo(SWAP_SUFFIX, this.nowMs); // commit point once the .log is renamed
    try {
      for (const seg of group) seg.delete();
      const live = swap.renameTo('', this.nowMs);
      this.host.replaceSegments(group, live);
    } catch (err) {
      this.host.failed(err);
      throw err;
    }
  }
}

/** A batch with no records left (Kafka's RETAIN_EMPTY): uncompressed, its header's offsets, producer fields and horizon. */
function emptyBatch(h: BatchHeader): Buffer {
  const horizon = deleteHorizonMs(h);
  const attributes = h.attributes & ~0x07;
  return rebuildBatch(h, { attributes, baseTimestamp: horizon ?? h.maxTimestamp, maxTimestamp: h.maxTimestamp, recordCount: 0, section: Buffer.alloc(0) });
}

/** A group's closing batch: empty, its header's offsets and maxTimestamp, no producer (nothing reads it as a producer's). */
function fillerBatch(h: BatchHeader): Buffer {
  const plain = { ...h, producerId: -1, producerEpoch: -1, baseSequence: -1 };
  return rebuildBatch(plain, { attributes: 0, baseTimestamp: h.maxTimestamp, maxTimestamp: h.maxTimestamp, recordCount: 0, section: Buffer.alloc(0) });
}

/**
 * Start-up: removes '.cleaned' leftovers and index '.swap' files without a '.log.swap', and finishes
 * each committed swap (deletes the segments it replaces, renames it into place). Returns the base
 * offsets of swapped-in segments, whose indexes the caller must rebuild.
 */
export function completeInterruptedSwaps(fs: StorageFs, dir: string, logger: Logger, ctx: object): number[] {
  const names = fs.readdir(dir);
  for (const name of names) if (name.endsWith(CLEANED_SUFFIX)) fs.rm(`${dir}/${name}`);
  const swapped: number[] = [];
  for (const name of names) {
    const m = /^(\d{20})\.log\.swap$/.exec(name);
    if (m === null) continue;
    const base = Number(m[1]);
    const end = endOffsetOf(fs.readFile(`${dir}/${name}`), base);
    for (const other of names) {
      const b = parseSegmentFileName(other);
      if (b === undefined || b < base || b >= end) continue;
      for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.rm(`${dir}/${segmentFileName(b, suffix)}`);
    }
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX]) {
      const from = `${dir}/${segmentFileName(base, suffix)}${SWAP_SUFFIX}`;
      if (fs.exists(from)) fs.rename(from, `${dir}/${segmentFileName(base, suffix)}`);
    }
    swapped.push(base);
    logger.warn({ ...ctx, segment: base, replacedUpTo: end }, 'completed an interrupted compaction swap');
  }
  for (const name of fs.readdir(dir)) if (name.endsWith(SWAP_SUFFIX)) fs.rm(`${dir}/${name}`);
  return swapped;
}

/** Offset after the last whole batch of a synced cleaned segment. */
function endOffsetOf(buf: Buffer, base: number): number {
  let end = base;
  for (let pos = 0; pos + BATCH_HEADER_BYTES <= buf.length; ) {
    const h = readBatchHeader(buf, pos);
    if (h.sizeBytes < BATCH_HEADER_BYTES || pos + h.sizeBytes > buf.length) break;
    end = h.baseOffset + h.lastOffsetDelta + 1;
    pos += h.sizeBytes;
  }
  return end;
}

// Log compaction (Kafka's log cleaner) for logs whose cleanup.policy includes 'compact'.
//
// A pass covers the cleanable range: the sealed segments from the log start up to the first one
// that is the active segment, has unsynced data or a sync in flight, or is younger than
// min.compaction.lag.ms (by its largest timestamp). It runs when the dirty bytes (segments holding
// offsets at or past the end of the previous pass, held in memory: after a restart everything is
// dirty once) are at least min.cleanable.dirty.ratio of the range, or a tombstone's delete horizon
// has passed, or when forced.
//
// Pass 1 maps every key in the range to its latest offset. Pass 2 rewrites the range in groups of
// consecutive segments (up to segment.bytes): a record is kept iff it is the latest for its key
// (records without a key are kept: the append path refuses them on compacted logs), and a tombstone
// only until its batch's delete horizon. As in Kafka (KIP-534), a batch that keeps a tombstone gets
// the delete-horizon bit and baseTimestamp = cleaning time + delete.retention.ms; tombstones go in
// the first pass after that. A rewritten batch keeps its baseOffset, lastOffsetDelta, producer
// fields and attributes (see record-codec.ts); offsets are preserved, so a cleaned log has gaps. A
// batch left with no records is dropped, except the last one of a group, which stays as an empty
// batch so that every segment still ends where the next one starts (recovery checks that).
// Groups where nothing changes are not rewritten. Batches of codecs we cannot decode, and control
// batches, are copied as they are.
//
// Swap, crash-safe: the group's replacement is written as <base>.{log,index,timeindex}.cleaned and
// synced; renamed to .swap (.log last: '<base>.log.swap' existing is the commit point); the old
// segments are deleted; the .swap files are renamed into place (.log last). On open,
// completeInterruptedSwaps() removes '.cleaned' leftovers and finishes any committed swap.
import type { StorageFs } from './fs.js';
import type { CompactionResult, LogConfig, Logger } from './log-types.js';
import { decodeBatch, deleteHorizonMs, rewriteBatch, type DecodedRecord } from './record-codec.js';
import { INDEX_SUFFIX, LOG_SUFFIX, Segment, TIME_INDEX_SUFFIX, parseSegmentFileName, segmentFileName, type BatchLocation } from './segment.js';
import { BATCH_HEADER_BYTES, isControlBatch, readBatchHeader, type BatchHeader } from '../protocol/record-batch.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
const INT32_MAX = 0x7fffffff;

/** What the cleaner needs from its PartitionLog. */
export interface CleanerHost {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly config: LogConfig;
  readonly logger: Logger;
  readonly ctx: object;
  /** Every segment, oldest first; the last is the active one. */
  readonly segments: readonly Segment[];
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

/** One pass of the cleaner over `host`'s log. Synchronous: no append can interleave. */
export function cleanLog(host: CleanerHost, state: CleanerState, nowMs: number, force: boolean): CompactionResult {
  const range = cleanableRange(host, nowMs);
  if (range.length === 0) return emptyResult(false);
  const end = host.segments[range.length]!.baseOffset;
  if (!force && !worthCleaning(host, state, range, nowMs)) return emptyResult(false);
  const result = emptyResult(true);
  const latest = latestOffsets(host, range, result);
  const pass = new GroupCleaner(host, latest, nowMs, result);
  for (const group of groupSegments(host, range)) pass.clean(group);
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
    if (next !== undefined && next.baseOffset <= seg.baseOffset) throw new Error(`segments ${seg.baseOffset} and ${next.baseOffset} out of order`);
  });
  for (const seg of host.segments.slice(0, -1)) {
    if (seg.dirty || seg.syncing) break;
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

function* batchesOf(seg: Segment): Generator<{ loc: BatchLocation; raw: Buffer }> {
  for (let loc = seg.batchAt(0); loc !== undefined; loc = seg.batchAt(loc.position + loc.sizeBytes)) {
    yield { loc, raw: seg.read(loc.position, loc.sizeBytes) };
  }
}

const keyOf = (key: Buffer): string => key.toString('latin1');

/** Pass 1: key → offset of its latest record in the range. */
function latestOffsets(host: CleanerHost, range: Segment[], _result: CompactionResult): Map<string, number> {
  const latest = new Map<string, number>();
  for (const seg of range) {
    for (const { raw } of batchesOf(seg)) {
      const d = decodeBatch(raw, 0);
      if (!d.ok || isControlBatch(d.header.attributes)) continue;
      for (const r of d.records) if (r.key !== null) latest.set(keyOf(r.key), r.offset);
    }
  }
  return latest;
}

/** Consecutive segments whose total size fits segment.bytes and whose offsets fit an int32 span. */
function groupSegments(host: CleanerHost, range: Segment[]): Segment[][] {
  const groups: Segment[][] = [];
  let group: Segment[] = [];
  let bytes = 0;
  range.forEach((seg, i) => {
    const endOffset = host.segments[i + 1]!.baseOffset;
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
  private warned = false;

  constructor(
    private readonly host: CleanerHost,
    private readonly latest: Map<string, number>,
    private readonly nowMs: number,
    private readonly result: CompactionResult,
  ) {}

  private noteHorizon(ms: number): void {
    this.nextHorizonMs = this.nextHorizonMs === undefined ? ms : Math.min(this.nextHorizonMs, ms);
  }

  clean(group: Segment[]): void {
    const out: Buffer[] = [];
    let changed = false;
    let last: { header: BatchHeader; emitted: boolean } | undefined;
    let bytesBefore = 0;
    for (const seg of group) {
      bytesBefore += seg.sizeBytes();
      for (const { raw } of batchesOf(seg)) {
        const kept = this.cleanBatch(raw);
        if (kept !== raw) changed = true;
        if (kept !== undefined) out.push(kept);
        last = { header: readBatchHeader(raw, 0), emitted: kept !== undefined };
      }
    }
    if (!changed) return;
    // The group's last batch stays (empty if need be): the cleaned segment ends where the old ones did.
    if (last !== undefined && !last.emitted) out.push(rewriteBatch(last.header, [], undefined));
    const cleaned = this.writeCleaned(group[0]!.baseOffset, out);
    this.swapIn(group, cleaned);
    this.result.segmentsRewritten += group.length;
    this.result.bytesBefore += bytesBefore;
    this.result.bytesAfter += out.reduce((n, b) => n + b.length, 0);
  }

  /** The batch to keep: `raw` itself when unchanged, a rewrite, or undefined when nothing is left. */
  private cleanBatch(raw: Buffer): Buffer | undefined {
    const d = decodeBatch(raw, 0);
    if (!d.ok) {
      this.result.undecodableBatches += 1;
      if (!this.warned) this.host.logger.warn({ ...this.host.ctx, offset: d.header.baseOffset, reason: d.reason }, 'batch left uncompacted');
      this.warned = true;
      return raw;
    }
    if (isControlBatch(d.header.attributes)) return raw;
    const horizon = deleteHorizonMs(d.header);
    const expired = horizon !== undefined && this.nowMs >= horizon;
    const kept: DecodedRecord[] = [];
    for (const r of d.records) {
      const isLatest = r.key === null || this.latest.get(keyOf(r.key)) === r.offset;
      const dropTombstone = r.value === null && expired;
      if (isLatest && !dropTombstone) kept.push(r);
      else {
        this.result.recordsRemoved += 1;
        if (r.value === null) this.result.tombstonesRemoved += 1;
      }
    }
    const keepsTombstone = kept.some((r) => r.value === null);
    const newHorizon = keepsTombstone && horizon === undefined ? this.nowMs + this.host.config.deleteRetentionMs : undefined;
    if (keepsTombstone) this.noteHorizon(newHorizon ?? horizon!);
    if (kept.length === d.records.length && newHorizon === undefined) return raw;
    if (kept.length === 0) return undefined;
    return rewriteBatch(d.header, kept, newHorizon);
  }

  private writeCleaned(base: number, batches: Buffer[]): Segment {
    const { fs, dir, config } = this.host;
    for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.rm(`${dir}/${segmentFileName(base, suffix)}${CLEANED_SUFFIX}`);
    const seg = Segment.create(fs, dir, base, config.indexIntervalBytes, this.nowMs, CLEANED_SUFFIX);
    try {
      for (const b of batches) {
        const h = readBatchHeader(b, 0);
        seg.append(b, h.baseOffset + h.lastOffsetDelta + 1);
      }
      seg.seal();
      seg.syncAllNow();
      return seg;
    } catch (err) {
      seg.delete();
      throw err;
    }
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

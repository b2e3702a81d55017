// The log cleaner's reading side: segments batch by batch in chunks, records through the bounded
// walker after bounded decompression, and a clock that yields to the event loop every SLICE_MS of
// work (invariant 8: an 84 MB dirty log once blocked every client for 1.2 s).
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BATCH_HEADER_BYTES, CURRENT_MAGIC, compression, isControlBatch, readBatchHeader, type BatchHeader } from '../protocol/record-batch.js';
import { RecordWalker, RecordsError, decompressedBytesLimit } from '../protocol/records.js';
import { decompressBounded } from '../protocol/records-codecs.js';
import { recordsPolicyOf } from './log-append.js';
import type { CompactionResult, LogConfig, Logger } from './log-types.js';
import type { BatchLocation, Segment } from './segment.js';

/** Work between two yields to the event loop. */
const SLICE_MS = 2;
/** Segment bytes read at once. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Records between two looks at the clock (a few hundred microseconds of work). */
const RECORDS_PER_CHECK = 1024;

/** What reading needs from the cleaner's host. */
export interface ReaderHost {
  readonly config: LogConfig;
  readonly logger: Logger;
  readonly ctx: object;
  /** False once the log is closed, deleted or offline: the pass stops at its next yield. */
  readonly usable: boolean;
}

/** The log was closed or deleted during a pass: nothing was swapped in after that. */
export class CleanerAbortedError extends Error {
  constructor() {
    super('compaction aborted: the log was closed');
    this.name = 'CleanerAbortedError';
  }
}

/** Yields to the event loop once SLICE_MS of work has been done since the last yield. */
export class Slicer {
  private started = performance.now();

  constructor(private readonly host: ReaderHost) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.started < SLICE_MS) return;
    await nextTurn();
    this.started = performance.now();
    if (!this.host.usable) throw new CleanerAbortedError();
  }
}

/** A stored batch and its records, ready to walk (walker reset on the decompressed section). */
export interface OpenBatch {
  header: BatchHeader;
  /** The whole batch as stored. */
  raw: Buffer;
  /** Its records, decompressed. */
  section: Buffer;
}

/** Reads the batches of segments one at a time, and their records through the bounded walker. */
export class BatchReader {
  readonly walker = new RecordWalker();
  private warned = false;

  constructor(private readonly host: ReaderHost, private readonly result: CompactionResult, readonly slicer: Slicer) {}

  /** The batches of `seg`, read in chunks of up to READ_CHUNK_BYTES (few buffers for the GC to track); each `raw` is a view. */
  async *batches(seg: Segment): AsyncGenerator<{ loc: BatchLocation; raw: Buffer }> {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    for (let loc = seg.batchAt(0); loc !== undefined; loc = seg.batchAt(loc.position + loc.sizeBytes)) {
      if (loc.position < chunkStart || loc.position + loc.sizeBytes > chunkStart + chunk.length) {
        chunkStart = loc.position;
        chunk = seg.read(loc.position, Math.max(loc.sizeBytes, Math.min(READ_CHUNK_BYTES, seg.sizeBytes() - loc.position)));
      }
      yield { loc, raw: chunk.subarray(loc.position - chunkStart, loc.position - chunkStart + loc.sizeBytes) };
      await this.slicer.maybeYield();
    }
  }

  /** The batch's decompressed records, or undefined (a control batch unless `control`, or unreadable: counted and warned once). */
  async open(raw: Buffer, countUnreadable: boolean, control = false): Promise<OpenBatch | undefined> {
    const header = readBatchHeader(raw, 0);
    if (isControlBatch(header.attributes) !== control) return undefined;
    try {
      if (header.magic !== CURRENT_MAGIC) throw new RecordsError('CORRUPT_MESSAGE', `magic ${header.magic}`);
      const codec = compression(header.attributes);
      if (codec === undefined) throw new RecordsError('UNSUPPORTED_COMPRESSION_TYPE', `codec ${header.attributes & 7}`);
      if (header.recordCount < 0) throw new RecordsError('CORRUPT_MESSAGE', `record count ${header.recordCount}`);
      const body = raw.subarray(BATCH_HEADER_BYTES);
      const section = codec === 'none' ? body : await decompressBounded(codec, body, decompressedBytesLimit(header.recordCount, { ...recordsPolicyOf(this.host.config), requireKeys: false }));
      // Walk it once to check it, in slices; users walk it again.
      this.walker.reset(section, header.recordCount, header.lastOffsetDelta);
      for (let n = 1; this.walker.next(); n++) if (n % RECORDS_PER_CHECK === 0) await this.slicer.maybeYield();
      return { header, raw, section };
    } catch (err) {
      if (!(err instanceof RecordsError)) throw err;
      if (countUnreadable) this.result.undecodableBatches += 1;
      if (!this.warned) this.host.logger.warn({ ...this.host.ctx, offset: header.baseOffset, error: err.code, reason: err.message.slice(0, 200) }, 'batch left uncompacted');
      this.warned = true;
      return undefined;
    }
  }

  /** Walks `b`'s records, calling `fn` with the walker on each; yields between slices. */
  async forEachRecord(b: OpenBatch, fn: (w: RecordWalker) => void): Promise<void> {
    const w = this.walker.reset(b.section, b.header.recordCount, b.header.lastOffsetDelta);
    for (let n = 1; w.next(); n++) {
      fn(w);
      if (n % RECORDS_PER_CHECK === 0) await this.slicer.maybeYield();
    }
  }
}

export const keyOf = (w: RecordWalker): string => w.key()!.toString('latin1');

/**
 * Read buffers for Fetch, reused once their response is written. A fresh 1 MiB Buffer per partition
 * read cost a page fault per 4 KiB on first touch and, as external memory, pushed V8 into frequent
 * garbage collections: profiled, those were a quarter of the broker's CPU while consuming.
 *
 * A buffer is handed out by take() and comes back by give() only after the socket has written the
 * response that references it (the connection does that in its write callback). A buffer that never
 * comes back (a connection closed before its answer was written) is left to the garbage collector.
 */

/** Reads below this use Buffer.allocUnsafe (Node's own 8 KiB slabs below 4 KiB, cheap malloc up to here). */
export const FETCH_BUFFER_BYTES_MIN = 64 * 1024;
/** Larger reads (a single huge batch) are not pooled. */
export const FETCH_BUFFER_BYTES_MAX = 16 * 1024 * 1024;
/** Free buffers kept at most: two full answers of 8 partitions at the default max.partition.fetch.bytes (1 MiB). */
export const FETCH_BUFFER_RETAINED_BYTES_MAX = 16 * 1024 * 1024;

export class FetchBufferPool {
  /** Free buffers by size class (a power of two from FETCH_BUFFER_BYTES_MIN). */
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  /** @param retainedBytesMax most bytes kept while unused: beyond it, returned buffers are dropped. */
  constructor(private readonly retainedBytesMax: number) {}

  take(bytes: number): Buffer {
    if (bytes < FETCH_BUFFER_BYTES_MIN || bytes > FETCH_BUFFER_BYTES_MAX) return Buffer.allocUnsafe(bytes);
    const size = sizeClass(bytes);
    const buf = this.free.get(size)?.pop();
    if (buf === undefined) return Buffer.allocUnsafe(size);
    this.freeBytes -= size;
    return buf;
  }

  /** Returns buffers from take(); only whole buffers of a pooled size class are kept. */
  give(buffers: Buffer[]): void {
    for (const buf of buffers) {
      const size = buf.length;
      if (size < FETCH_BUFFER_BYTES_MIN || size > FETCH_BUFFER_BYTES_MAX || sizeClass(size) !== size) continue;
      if (this.freeBytes + size > this.retainedBytesMax) continue;
      let list = this.free.get(size);
      if (list === undefined) {
        list = [];
        this.free.set(size, list);
      }
      list.push(buf);
      this.freeBytes += size;
    }
  }

  /** Bytes held by free buffers. */
  retainedBytes(): number {
    return this.freeBytes;
  }
}

function sizeClass(bytes: number): number {
  return Math.max(FETCH_BUFFER_BYTES_MIN, 2 ** Math.ceil(Math.log2(bytes)));
}

/** Where a Fetch response carries the pooled buffers its records are views of, for the connection to give back. */
export const POOLED_BUFFERS: unique symbol = Symbol('pooled fetch buffers');
export interface WithPooledBuffers {
  [POOLED_BUFFERS]?: Buffer[];
}

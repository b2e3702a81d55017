// Splits a TCP byte stream into Kafka frames (int32 size + payload). A frame that lies entirely in one
// chunk is returned as a view of that chunk (no copy); one that spans chunks is assembled once.
import { FrameSizeError } from './errors.js';

/** Kafka's default socket.request.max.bytes. */
export const frameBytesMaxDefault = 100 * 1024 * 1024;
/**
 * A partial frame is held as the chunks that brought it, never allocated at its declared size. Each
 * chunk costs ~100 bytes beyond its own, so chunks up to `smallChunkBytes` are copied into a shared
 * tail buffer: a writer sending one byte at a time holds about what it sent, not 100 times more.
 */
const smallChunkBytes = 512;
const tailBytes = 4096;

export class FrameDecoder {
  private frameBytesMax: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Backing store of the last chunk while small chunks are being gathered into it. */
  private tail: Buffer | null = null;
  private tailUsed = 0;

  constructor(options: { frameBytesMax?: number } = {}) {
    this.frameBytesMax = options.frameBytesMax ?? frameBytesMaxDefault;
  }

  /** Changes the largest accepted frame (a SASL listener accepts only small frames until authentication). */
  setFrameBytesMax(bytes: number): void {
    this.frameBytesMax = bytes;
  }

  /** Bytes received but not yet returned as a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Buffers holding those bytes (each costs more than its bytes: slow writers must not multiply it). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /**
   * Adds a chunk and returns every frame it completes, in order (payloads without the size prefix).
   * A bad size prefix throws a FrameSizeError carrying the frames completed before it.
   */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    try {
      return this.collect(chunk, frames);
    } catch (err) {
      if (err instanceof FrameSizeError) err.framesBefore = frames;
      throw err;
    }
  }

  private collect(chunk: Buffer, frames: Buffer[]): Buffer[] {
    if (chunk.length === 0) return frames;
    if (this.buffered === 0) {
      // Fast path: frames that lie entirely in this chunk are views of it.
      let off = 0;
      while (chunk.length - off >= 4) {
        const size = chunk.readInt32BE(off);
        this.checkSize(size);
        if (chunk.length - off - 4 < size) break;
        frames.push(chunk.subarray(off + 4, off + 4 + size));
        off += 4 + size;
      }
      if (off < chunk.length) {
        this.chunks.push(off === 0 ? chunk : chunk.subarray(off));
        this.buffered = chunk.length - off;
      }
      return frames;
    }
    this.append(chunk);
    while (this.buffered >= 4) {
      const size = this.peekSize();
      this.checkSize(size);
      if (this.buffered - 4 < size) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.tail = null;
    }
    return frames;
  }

  private append(chunk: Buffer): void {
    this.buffered += chunk.length;
    if (chunk.length > smallChunkBytes) {
      this.tail = null;
      this.chunks.push(chunk);
      return;
    }
    if (this.tail === null || this.tailUsed + chunk.length > this.tail.length) {
      this.tail = Buffer.allocUnsafeSlow(tailBytes);
      this.tailUsed = 0;
      this.chunks.push(this.tail.subarray(0, 0));
    }
    chunk.copy(this.tail, this.tailUsed);
    this.tailUsed += chunk.length;
    this.chunks[this.chunks.length - 1] = this.tail.subarray(0, this.tailUsed);
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 64)).subarray(0, 4);
    return head.readInt32BE(0);
  }

  private checkSize(size: number): void {
    if (size < 0 || size > this.frameBytesMax) throw new FrameSizeError(size, this.frameBytesMax);
  }
}

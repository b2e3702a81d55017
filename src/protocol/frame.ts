// Splits a TCP byte stream into Kafka frames (int32 size + payload). A frame that lies entirely in one
// chunk is returned as a view of that chunk (no copy); one that spans chunks is assembled once.
import { FrameSizeError } from './errors.js';

/** Kafka's default socket.request.max.bytes. */
export const frameBytesMaxDefault = 100 * 1024 * 1024;

export class FrameDecoder {
  private readonly frameBytesMax: number;
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(options: { frameBytesMax?: number } = {}) {
    this.frameBytesMax = options.frameBytesMax ?? frameBytesMaxDefault;
  }

  /** Bytes received but not yet returned as a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns every frame it completes, in order (payloads without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
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
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const size = this.peekSize();
      this.checkSize(size);
      if (this.buffered - 4 < size) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
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

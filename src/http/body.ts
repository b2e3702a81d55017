// Request bodies: read with a size limit (a 413, never an unbounded buffer), parsed as JSON, or split
// into a stream of JSON values for the REST proxy's streaming produce (concatenated or newline-separated
// objects, as Confluent's v3 accepts them).
import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest, clip } from './errors.js';

/** Reads the whole body; past `limitBytes` the request is refused with 413 and the rest is not kept. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        chunks.length = 0;
        reject(new HttpError(413, `Request body over ${limitBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw badRequest('Request body is empty; JSON expected.');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`Malformed JSON: ${clip((err as Error).message)}`);
  }
}

/**
 * Splits a byte stream into top-level JSON objects as they complete, tracking strings and escapes:
 * each object is parsed once, and memory holds only the object in progress (bounded by `objectBytesMax`).
 */
export class JsonObjectStream {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly objectBytesMax: number) {}

  /** Feeds a chunk; returns the objects (parsed) that it completed, in order. */
  push(chunk: Buffer): unknown[] {
    const out: unknown[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.depth === 0 && !this.inString) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c) {
          start = i + 1;
          continue;
        }
        if (c !== 0x7b) throw badRequest('Malformed JSON stream: each entry must be an object.');
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          this.append(chunk.subarray(start, i + 1));
          const text = Buffer.concat(this.parts, this.partBytes).toString('utf8');
          this.parts = [];
          this.partBytes = 0;
          out.push(parseJson(Buffer.from(text)));
          start = i + 1;
        }
      }
    }
    if (this.depth > 0 || this.inString) this.append(chunk.subarray(start));
    return out;
  }

  /** Whether the stream ended inside an object. */
  get incomplete(): boolean {
    return this.depth > 0 || this.inString;
  }

  private append(b: Buffer): void {
    this.partBytes += b.length;
    if (this.partBytes > this.objectBytesMax) throw new HttpError(413, `A streamed record is over ${this.objectBytesMax} bytes.`);
    this.parts.push(b);
  }
}

// The native compression modules and snappy's xerial framing, shared by the client's codecs
// (compression.ts) and the broker's bounded decompression (records-codecs.ts).
// The modules load on first use: each costs several MB of RSS and start-up time, and a broker that
// never decompresses (the hot path doesn't) should not pay for them.

let snappyModule: Promise<typeof import('snappy')> | undefined;
let lz4Module: Promise<typeof import('lz4-napi')> | undefined;
let zstdModule: Promise<typeof import('@mongodb-js/zstd')> | undefined;
export const snappy = (): Promise<typeof import('snappy')> => (snappyModule ??= import('snappy'));
export const lz4 = (): Promise<typeof import('lz4-napi')> => (lz4Module ??= import('lz4-napi'));
export const zstd = (): Promise<typeof import('@mongodb-js/zstd')> => (zstdModule ??= import('@mongodb-js/zstd'));

/** Java's snappy-java framing: magic \x82SNAPPY\0, two int32 versions, then int32-length-prefixed raw blocks. */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
export const XERIAL_HEADER_BYTES = 16;

export function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

/** The raw snappy blocks of `data`: the xerial frame's blocks, or `data` itself. A block that overruns is `fail(why)`. */
export function snappyBlocks(data: Buffer, fail: (why: string) => Error): Buffer[] {
  if (!isXerialSnappy(data)) return [data];
  const blocks: Buffer[] = [];
  for (let pos = XERIAL_HEADER_BYTES; pos < data.length; ) {
    if (pos + 4 > data.length) throw fail('truncated xerial block length');
    const size = data.readInt32BE(pos);
    pos += 4;
    if (size < 0 || size > data.length - pos) throw fail(`xerial block of ${size} bytes overruns the data`);
    blocks.push(data.subarray(pos, pos + size));
    pos += size;
  }
  return blocks;
}

// CRC32C, natively (@node-rs/crc32, SIMD). Loaded with require, not import: an ESM import of a
// CommonJS package makes Node scan the package's source for its export names first, which cost
// ~12 ms of every broker start-up (20 ms for the import against 6-8 ms for the require).
import { createRequire } from 'node:module';

const native = createRequire(import.meta.url)('@node-rs/crc32') as typeof import('@node-rs/crc32');

/** CRC32C (Castagnoli); callers take `>>> 0` of it for the unsigned value. */
export const crc32c: typeof native.crc32c = native.crc32c;

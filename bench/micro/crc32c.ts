/** Micro-benchmark: CRC32C (@node-rs/crc32, as record-batch.ts uses it) on 1 KiB and 64 KiB. */
import { crc32c } from '@node-rs/crc32';
import { measure } from './harness.js';

for (const size of [1024, 64 * 1024]) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + 7) & 0xff;
  measure(`crc32c ${size === 1024 ? '1 KiB' : '64 KiB'}`, () => crc32c(buf), { bytesPerOp: size });
}

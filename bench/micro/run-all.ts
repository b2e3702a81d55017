/** Runs every micro-benchmark in bench/micro, one process each (a clean JIT per benchmark). MICRO_MS: time per case (default 1000). */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const names = ['varint', 'crc32c', 'validate-batches', 'records-walk', 'produce-decode', 'fetch-encode', 'compaction-yield', 'producer-state'];
const pick = process.argv.slice(2);
for (const name of pick.length > 0 ? pick : names) {
  process.stdout.write(`# ${name}\n`);
  execFileSync(process.execPath, [join(here, `${name}.js`)], { stdio: 'inherit' });
}

// Bundles the `minikafka` command (dist/src/cli/main.js, as tsc built it) into one file,
// dist/minikafka.mjs, which package.json's `bin` points to. Node then resolves, reads and compiles
// one module instead of ~100: a quarter of the broker's start-up (bench/README.md). The library
// entry stays dist/src/index.js.
//
//   node dist/scripts/bundle.js        (the last step of `npm run build`)
//
// Packages from node_modules stay external: the CRC32C and compression codecs are native (.node
// binaries) and are resolved from node_modules at run time, as before. The CLI's dynamic imports
// (tool commands, codecs) keep their laziness: esbuild turns an inlined module's import() into a
// call that runs that module's top level on first use, and the codec packages are still import()ed.
import { build } from 'esbuild';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = path.join(distDir, 'minikafka.mjs');

await build({
  entryPoints: [path.join(distDir, 'src', 'cli', 'main.js')],
  outfile: bundlePath,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Maps back to src/*.ts through tsc's own maps; `node --enable-source-maps` uses it.
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// The entry's `#!/usr/bin/env node` line is kept; executable so `./dist/minikafka.mjs` runs too.
chmodSync(bundlePath, 0o755);
process.stdout.write(`bundle: ${path.relative(process.cwd(), bundlePath)} (${(statSync(bundlePath).size / 1024).toFixed(0)} KiB)\n`);

// minikafka/testing for CommonJS (Jest runs test files and global setup as CommonJS): the same modules
// bundled to one CJS file, natives external. `import.meta.url` (crc32c's createRequire) becomes this
// file's own URL.
const testingCjs = path.join(distDir, 'testing.cjs');
await build({
  entryPoints: [path.join(distDir, 'src', 'testing', 'index.js')],
  outfile: testingCjs,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta.url': '__minikafkaModuleUrl' },
  banner: { js: "const __minikafkaModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// Jest's globalSetup/globalTeardown take a module whose export is the function itself.
writeFileSync(path.join(distDir, 'testing-jest-setup.cjs'), "module.exports = require('./testing.cjs').jestGlobalSetup;\n");
writeFileSync(path.join(distDir, 'testing-jest-teardown.cjs'), "module.exports = require('./testing.cjs').jestGlobalTeardown;\n");
process.stdout.write(`bundle: ${path.relative(process.cwd(), testingCjs)} (${(statSync(testingCjs).size / 1024).toFixed(0)} KiB)\n`);

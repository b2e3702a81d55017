import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled tests run from dist/test/...; sources live beside package.json.
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`repository root not found above ${fileURLToPath(import.meta.url)}`);
}

export const repoRoot = findRepoRoot();
export const distDir = join(repoRoot, 'dist');
/** The `minikafka` binary users get: what package.json's `bin` points to (the bundle scripts/bundle.ts writes). */
export const cliPath = join(repoRoot, (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { minikafka: string } }).bin.minikafka);
export const fixturesDir = join(repoRoot, 'test', 'fixtures');

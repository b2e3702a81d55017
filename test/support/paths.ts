import { existsSync } from 'node:fs';
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
export const cliPath = join(distDir, 'src', 'cli', 'main.js');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');

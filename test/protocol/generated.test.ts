// The committed generated codecs must be exactly what scripts/generate.ts produces from the schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('generated code is fresh (generate --check)', () => {
  const res = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'generate.js'), '--check'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
});

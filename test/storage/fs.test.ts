import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs, realFs, writeFileAtomic, type StorageFs } from '../../src/storage/fs.js';
import { withTempDir } from './helpers.js';

function basics(fs: StorageFs, root: string): void {
  fs.mkdir(`${root}/a/b`);
  const fd = fs.open(`${root}/a/b/f`, 'create');
  fs.write(fd, Buffer.from('hello world'), 0, 11, 0);
  fs.write(fd, Buffer.from('!'), 0, 1, 11);
  assert.equal(fs.fsize(fd), 12);
  const out = Buffer.alloc(5);
  assert.equal(fs.read(fd, out, 0, 5, 6), 5);
  assert.equal(out.toString(), 'world');
  assert.equal(fs.read(fd, out, 0, 5, 10), 2);
  fs.ftruncate(fd, 5);
  assert.equal(fs.fsize(fd), 5);
  fs.close(fd);
  assert.deepEqual(fs.readdir(`${root}/a/b`), ['f']);
  fs.rename(`${root}/a/b/f`, `${root}/a/g`);
  assert.equal(fs.readFile(`${root}/a/g`).toString(), 'hello');
  assert.equal(fs.stat(`${root}/a/g`)!.size, 5);
  assert.ok(fs.stat(`${root}/a`)!.isDirectory);
  assert.equal(fs.stat(`${root}/nope`), undefined);
  assert.throws(() => fs.open(`${root}/nope`, 'rw'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  writeFileAtomic(fs, `${root}/a/j`, '{"x":1}');
  assert.equal(fs.readFile(`${root}/a/j`).toString(), '{"x":1}');
  fs.rm(`${root}/a`);
  assert.equal(fs.exists(`${root}/a`), false);
  fs.rm(`${root}/a`); // missing: not an error
}

test('MemoryFs and realFs behave alike on the basics', async () => {
  basics(new MemoryFs(), '/root');
  await withTempDir(async (dir) => basics(realFs, dir));
});

test('MemoryFs crash keeps fsynced bytes, drops the rest, optionally a torn prefix', async () => {
  const fs = new MemoryFs();
  fs.mkdir('/d');
  const fd = fs.open('/d/f', 'create');
  fs.write(fd, Buffer.from('durable|'), 0, 8, 0);
  await fs.fdatasync(fd);
  fs.write(fd, Buffer.from('volatile'), 0, 8, 8);
  const fd2 = fs.open('/d/g', 'create');
  fs.write(fd2, Buffer.from('never synced'), 0, 12, 0);
  fs.crash({ tornTailBytes: (path) => (path === '/d/f' ? 3 : 0) });
  assert.equal(fs.readFile('/d/f').toString(), 'durable|vol');
  assert.equal(fs.readFile('/d/g').length, 0);
  assert.throws(() => fs.fsize(fd), (e: NodeJS.ErrnoException) => e.code === 'EBADF');
  fs.crash();
  assert.equal(fs.readFile('/d/f').toString(), 'durable|vol', 'the state after a crash is durable');
});

test('MemoryFs injects faults by operation and path, and counts syncs', async () => {
  const fs = new MemoryFs();
  fs.mkdir('/d');
  const fd = fs.open('/d/x.log', 'create');
  const remove = fs.inject((op, path) => (op === 'write' && path.endsWith('.log') ? 'ENOSPC' : undefined));
  assert.throws(() => fs.write(fd, Buffer.from('a'), 0, 1, 0), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
  remove();
  fs.write(fd, Buffer.from('a'), 0, 1, 0);
  fs.inject((op) => (op === 'fsync' ? 'EIO' : undefined));
  await assert.rejects(fs.fdatasync(fd), (e: NodeJS.ErrnoException) => e.code === 'EIO');
  assert.equal(fs.counts.fdatasync, 1);
});

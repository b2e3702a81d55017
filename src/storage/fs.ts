// The file-system interface all storage code goes through (kfake's persist_fs): the real one wraps
// node:fs; MemoryFs keeps files in memory and can inject I/O errors and simulate a crash.
// Errors are raw errno-style errors (`err.code` = 'ENOENT', 'ENOSPC', 'EIO', ...); the log wraps them.
import * as nodeFs from 'node:fs';
import * as posix from 'node:path';

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** 'r': read only; 'rw': read/write, must exist; 'create': read/write, created if missing (never truncated). */
export type OpenMode = 'r' | 'rw' | 'create';

export interface StorageFs {
  open(path: string, mode: OpenMode): number;
  close(fd: number): void;
  /** Positional read; returns bytes read (short at end of file). */
  read(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  /** Positional write of the whole range (loops on short writes). */
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): void;
  ftruncate(fd: number, length: number): void;
  fsize(fd: number): number;
  fdatasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  /** For rare metadata files (checkpoints, topic.json) where blocking briefly is simpler. */
  fsyncSync(fd: number): void;
  /** undefined when the path does not exist. */
  stat(path: string): FileStat | undefined;
  exists(path: string): boolean;
  readdir(path: string): string[];
  mkdir(path: string): void;
  /** Recursive and forcing: removing a missing path is not an error. */
  rm(path: string): void;
  rename(from: string, to: string): void;
  readFile(path: string): Buffer;
  /** Recursive removal off the event loop (a deleted topic's tree can be large). */
  rmAsync(path: string): Promise<void>;
  /** fsync of a directory: makes the entries created or renamed in it durable. */
  syncDir(path: string): Promise<void>;
}

export const realFs: StorageFs = {
  open(path, mode) {
    const { O_RDONLY, O_RDWR, O_CREAT } = nodeFs.constants;
    const flags = mode === 'r' ? O_RDONLY : mode === 'rw' ? O_RDWR : O_RDWR | O_CREAT;
    return nodeFs.openSync(path, flags, 0o644);
  },
  close: (fd) => nodeFs.closeSync(fd),
  read: (fd, buf, offset, length, position) => nodeFs.readSync(fd, buf, offset, length, position),
  write(fd, buf, offset, length, position) {
    let done = 0;
    while (done < length) done += nodeFs.writeSync(fd, buf, offset + done, length - done, position + done);
  },
  ftruncate: (fd, length) => nodeFs.ftruncateSync(fd, length),
  fsize: (fd) => nodeFs.fstatSync(fd).size,
  fdatasync: (fd) => new Promise((resolve, reject) => nodeFs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  fsync: (fd) => new Promise((resolve, reject) => nodeFs.fsync(fd, (err) => (err ? reject(err) : resolve()))),
  fsyncSync: (fd) => nodeFs.fsyncSync(fd),
  stat(path) {
    const s = nodeFs.statSync(path, { throwIfNoEntry: false });
    return s === undefined ? undefined : { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
  },
  exists: (path) => nodeFs.existsSync(path),
  readdir: (path) => nodeFs.readdirSync(path),
  mkdir: (path) => void nodeFs.mkdirSync(path, { recursive: true }),
  rm: (path) => nodeFs.rmSync(path, { recursive: true, force: true }),
  rename: (from, to) => nodeFs.renameSync(from, to),
  readFile: (path) => nodeFs.readFileSync(path),
  rmAsync: (path) => nodeFs.promises.rm(path, { recursive: true, force: true }),
  async syncDir(path) {
    const handle = await nodeFs.promises.open(path, nodeFs.constants.O_RDONLY | nodeFs.constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/**
 * Writes a file into a directory just made for it, without fsync: the caller syncs it and the
 * directory later. After a crash it may be missing, empty or torn, never someone else's content.
 */
export function writeNewFile(fs: StorageFs, path: string, data: Buffer | string): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = fs.open(path, 'create');
  try {
    fs.write(fd, buf, 0, buf.length, 0);
  } finally {
    fs.close(fd);
  }
}

/** Writes a small file so that it is either the old or the new content after a crash. */
export function writeFileAtomic(fs: StorageFs, path: string, data: Buffer | string): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = `${path}.tmp`;
  fs.rm(tmp);
  const fd = fs.open(tmp, 'create');
  try {
    fs.write(fd, buf, 0, buf.length, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.close(fd);
  }
  fs.rename(tmp, path);
}

// ---------------------------------------------------------------- MemoryFs

export type FsOp = 'open' | 'read' | 'write' | 'truncate' | 'fsync' | 'rename' | 'rm' | 'mkdir';
/** Returns an errno code ('ENOSPC', 'EIO') to fail the operation, or undefined to let it run. */
export type FaultRule = (op: FsOp, path: string) => string | undefined;

interface MemFile {
  data: Buffer;
  length: number;
  /** Content as of the last fsync: what survives a crash. */
  durable: Buffer;
  mtimeMs: number;
}

interface MemFd {
  path: string;
  file: MemFile;
  writable: boolean;
}

export interface CrashOptions {
  /**
   * How many bytes of a file's unsynced appended tail survive (a torn write). Default 0.
   * Only applies when the unsynced change is a pure append to the durable content.
   */
  tornTailBytes?: (path: string, unsyncedTail: Buffer) => number;
}

function errno(code: string, op: string, path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${op} '${path}'`);
  err.code = code;
  return err;
}

/**
 * In-memory StorageFs. Directory operations (create, rename, remove) are durable at once; file
 * contents are durable only up to the last fsync/fdatasync, which is what `crash()` keeps.
 */
export class MemoryFs implements StorageFs {
  private files = new Map<string, MemFile>();
  private dirs = new Set<string>(['/']);
  private fds = new Map<number, MemFd>();
  private nextFd = 3;
  private faults: FaultRule[] = [];
  /** Counters tests use to check group commit and laziness. */
  readonly counts = { fdatasync: 0, fsync: 0, reads: 0, writes: 0, opens: 0 };
  now: () => number = () => Date.now();

  /** Adds a fault rule; returns a function that removes it. */
  inject(rule: FaultRule): () => void {
    this.faults.push(rule);
    return () => {
      this.faults = this.faults.filter((r) => r !== rule);
    };
  }

  private check(op: FsOp, path: string): void {
    for (const rule of this.faults) {
      const code = rule(op, path);
      if (code !== undefined) throw errno(code, op, path);
    }
  }

  private norm(path: string): string {
    return posix.posix.resolve('/', path);
  }

  private fd(fd: number): MemFd {
    const f = this.fds.get(fd);
    if (f === undefined) throw errno('EBADF', 'fd', String(fd));
    return f;
  }

  private requireParent(path: string, op: string): void {
    if (!this.dirs.has(posix.posix.dirname(path))) throw errno('ENOENT', op, path);
  }

  open(path: string, mode: OpenMode): number {
    const p = this.norm(path);
    this.check('open', p);
    this.counts.opens += 1;
    let file = this.files.get(p);
    if (file === undefined) {
      if (mode !== 'create') throw errno('ENOENT', 'open', p);
      if (this.dirs.has(p)) throw errno('EISDIR', 'open', p);
      this.requireParent(p, 'open');
      file = { data: Buffer.alloc(256), length: 0, durable: Buffer.alloc(0), mtimeMs: this.now() };
      this.files.set(p, file);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, { path: p, file, writable: mode !== 'r' });
    return fd;
  }

  close(fd: number): void {
    this.fd(fd);
    this.fds.delete(fd);
  }

  read(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
    const f = this.fd(fd);
    this.check('read', f.path);
    this.counts.reads += 1;
    const n = Math.max(0, Math.min(length, f.file.length - position));
    f.file.data.copy(buf, offset, position, position + n);
    return n;
  }

  write(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
    const f = this.fd(fd);
    if (!f.writable) throw errno('EBADF', 'write', f.path);
    this.check('write', f.path);
    this.counts.writes += 1;
    const file = f.file;
    this.ensureCapacity(file, position + length);
    if (position > file.length) file.data.fill(0, file.length, position);
    buf.copy(file.data, position, offset, offset + length);
    file.length = Math.max(file.length, position + length);
    file.mtimeMs = this.now();
  }

  private ensureCapacity(file: MemFile, size: number): void {
    if (size <= file.data.length) return;
    const grown = Buffer.alloc(Math.max(size, file.data.length * 2));
    file.data.copy(grown, 0, 0, file.length);
    file.data = grown;
  }

  ftruncate(fd: number, length: number): void {
    const f = this.fd(fd);
    this.check('truncate', f.path);
    this.ensureCapacity(f.file, length);
    if (length > f.file.length) f.file.data.fill(0, f.file.length, length);
    f.file.length = length;
  }

  fsize(fd: number): number {
    return this.fd(fd).file.length;
  }

  private syncNow(fd: number): void {
    const f = this.fd(fd);
    this.check('fsync', f.path);
    f.file.durable = Buffer.from(f.file.data.subarray(0, f.file.length));
  }

  fdatasync(fd: number): Promise<void> {
    this.counts.fdatasync += 1;
    return this.asyncSync(fd);
  }

  fsync(fd: number): Promise<void> {
    this.counts.fsync += 1;
    return this.asyncSync(fd);
  }

  // Completes on a later macrotask, like a real fsync on the thread pool, so callers can pile up.
  private asyncSync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          this.syncNow(fd);
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  fsyncSync(fd: number): void {
    this.counts.fsync += 1;
    this.syncNow(fd);
  }

  stat(path: string): FileStat | undefined {
    const p = this.norm(path);
    if (this.dirs.has(p)) return { size: 0, mtimeMs: 0, isDirectory: true };
    const file = this.files.get(p);
    return file === undefined ? undefined : { size: file.length, mtimeMs: file.mtimeMs, isDirectory: false };
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  readdir(path: string): string[] {
    const p = this.norm(path);
    if (!this.dirs.has(p)) throw errno('ENOENT', 'readdir', p);
    const prefix = p === '/' ? '/' : `${p}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key.startsWith(prefix) && key !== p) {
        const rest = key.slice(prefix.length);
        if (!rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }

  mkdir(path: string): void {
    const p = this.norm(path);
    this.check('mkdir', p);
    if (this.files.has(p)) throw errno('EEXIST', 'mkdir', p);
    for (let d = p; d !== '/'; d = posix.posix.dirname(d)) this.dirs.add(d);
  }

  rm(path: string): void {
    const p = this.norm(path);
    this.check('rm', p);
    this.files.delete(p);
    this.dirs.delete(p);
    const prefix = `${p}/`;
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.files.delete(key);
    for (const key of [...this.dirs]) if (key.startsWith(prefix)) this.dirs.delete(key);
  }

  rename(from: string, to: string): void {
    const src = this.norm(from);
    const dst = this.norm(to);
    this.check('rename', src);
    this.requireParent(dst, 'rename');
    const file = this.files.get(src);
    if (file !== undefined) {
      this.files.delete(src);
      this.files.set(dst, file);
      return;
    }
    if (!this.dirs.has(src)) throw errno('ENOENT', 'rename', src);
    this.moveTree(src, dst);
  }

  private moveTree(src: string, dst: string): void {
    const prefix = `${src}/`;
    const moveKey = (k: string) => (k === src ? dst : dst + k.slice(src.length));
    for (const [k, v] of [...this.files]) {
      if (k.startsWith(prefix)) {
        this.files.delete(k);
        this.files.set(moveKey(k), v);
      }
    }
    for (const k of [...this.dirs]) {
      if (k === src || k.startsWith(prefix)) {
        this.dirs.delete(k);
        this.dirs.add(moveKey(k));
      }
    }
  }

  readFile(path: string): Buffer {
    const p = this.norm(path);
    this.check('read', p);
    const file = this.files.get(p);
    if (file === undefined) throw errno('ENOENT', 'readFile', p);
    return Buffer.from(file.data.subarray(0, file.length));
  }

  async rmAsync(path: string): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.rm(path);
  }

  /** Directory operations are durable at once here; only existence is checked. */
  async syncDir(path: string): Promise<void> {
    const p = this.norm(path);
    this.check('fsync', p);
    if (!this.dirs.has(p)) throw errno('ENOENT', 'syncDir', p);
  }

  /** Number of open descriptors (tests check close() releases them). */
  openFdCount(): number {
    return this.fds.size;
  }

  /**
   * Simulates power loss: every descriptor is invalidated and each file keeps only what was
   * fsynced, plus optionally a torn prefix of its unsynced appended tail.
   */
  crash(options: CrashOptions = {}): void {
    this.fds.clear();
    for (const [path, file] of this.files) {
      const current = file.data.subarray(0, file.length);
      let keep = file.durable;
      const appendOnly = current.length > keep.length && current.subarray(0, keep.length).equals(keep);
      if (appendOnly && options.tornTailBytes !== undefined) {
        const tail = current.subarray(keep.length);
        const n = Math.max(0, Math.min(tail.length, options.tornTailBytes(path, tail)));
        keep = Buffer.concat([keep, tail.subarray(0, n)]);
      }
      const data = Buffer.alloc(Math.max(256, keep.length));
      keep.copy(data);
      this.files.set(path, { data, length: keep.length, durable: Buffer.from(keep), mtimeMs: file.mtimeMs });
    }
  }

  /** Test helper: flips bits of one byte in place (durably, like on-disk corruption). */
  corrupt(path: string, position: number, xor = 0xff): void {
    const file = this.files.get(this.norm(path));
    if (file === undefined || position >= file.length) throw new RangeError(`cannot corrupt ${path}@${position}`);
    file.data[position] = file.data[position]! ^ xor;
    file.durable = Buffer.from(file.data.subarray(0, file.length));
  }
}

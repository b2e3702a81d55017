/**
 * Assertions (TigerBeetle's habit): an invariant that breaks is a bug, not an operating error. It throws
 * an InvariantError, which nothing catches on purpose: a catch that could meet one (a connection's
 * request path, a timer) hands it to `stopOnInvariant`, which writes one fatal log line and rethrows it
 * outside every handler, so the process stops and recovery (invariant 4) handles the restart.
 * Bad input and disk errors are operating errors: they have their own error classes and are handled.
 */

/** A broken invariant: a bug. Never caught on purpose. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

/** Throws an InvariantError unless `cond` holds. `message` may be a function, so the hot path builds no string. */
export function assert(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantError(typeof message === 'string' ? message : message());
}

/** A paired assertion: one quantity computed two independent ways must agree. */
export function assertSame<T extends number | bigint | string | boolean>(a: T, b: T, what: string): void {
  if (a !== b) throw new InvariantError(`${what}: ${String(a)} !== ${String(b)}`);
}

export function isInvariantError(err: unknown): err is InvariantError {
  return err instanceof InvariantError;
}

const reported = new WeakSet<InvariantError>();

interface FatalLog {
  error(fields: Record<string, unknown>, msg: string): void;
}

/**
 * If `err` is an InvariantError: logs it once as a fatal line and rethrows it on the next tick, where no
 * catch can swallow it (an uncaught exception stops the process). Returns false for any other error, which
 * the caller handles as before.
 */
export function stopOnInvariant(err: unknown, log?: FatalLog): boolean {
  if (!isInvariantError(err)) return false;
  if (reported.has(err)) return true; // rethrown through several catches: logged and scheduled once
  reported.add(err);
  const fields = { fatal: true, err: err.message, stack: err.stack?.split('\n').slice(0, 12).join('\n') };
  if (log !== undefined) log.error(fields, 'invariant failed: stopping');
  else process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: 'invariant failed: stopping', ...fields }) + '\n');
  process.exitCode = 70; // EX_SOFTWARE
  process.nextTick(() => {
    throw err;
  });
  return true;
}

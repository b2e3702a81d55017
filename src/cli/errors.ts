/** How a failure becomes an exit code and one line on stderr: 2 for usage, 1 for everything at run time. */
import { UsageError } from './args.js';
import { KafkaClientError } from '../client/errors.js';

export const exitOk = 0;
export const exitFailure = 1;
export const exitUsage = 2;

/** A run-time failure found by the CLI itself (e.g. a file that cannot be read). */
export class CliError extends Error {}

export function describeError(err: unknown): { exitCode: number; name: string; message: string } {
  if (err instanceof UsageError) return { exitCode: exitUsage, name: 'USAGE', message: err.message };
  if (err instanceof KafkaClientError) return { exitCode: exitFailure, name: err.errorName, message: err.message };
  if (err instanceof CliError) return { exitCode: exitFailure, name: 'ERROR', message: err.message };
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    return { exitCode: exitFailure, name: e.code, message: e.message };
  }
  return { exitCode: exitFailure, name: 'INTERNAL', message: err instanceof Error ? err.stack ?? err.message : String(err) };
}

/** Writes the error (JSON on stderr with --json) and returns the exit code. */
export function reportError(err: unknown, json: boolean): number {
  const d = describeError(err);
  const bare = d.message.startsWith(`${d.name}: `) ? d.message.slice(d.name.length + 2) : d.message;
  if (json && d.exitCode !== exitUsage) process.stderr.write(JSON.stringify({ error: { name: d.name, message: bare } }) + '\n');
  else if (d.exitCode === exitUsage) process.stderr.write(d.message.startsWith('minikafka') ? `${d.message}\n` : `minikafka: ${d.message}\n`);
  else process.stderr.write(`minikafka: ${d.name}: ${bare}\n`);
  return d.exitCode;
}

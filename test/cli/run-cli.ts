/** Runs the built `minikafka` binary as a child process and collects its output and exit code. */
import { spawn } from 'node:child_process';
import { cliPath } from '../support/paths.js';
import { track } from '../support/children.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MINIKAFKA_BOOTSTRAP: '', ...options.env },
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Builds one Go interop program (its own module with go.mod/go.sum, dependencies from the Go module
 * proxy into the default module cache) into dist/, next to the compiled test. GOPATH, GOMODCACHE and
 * GOCACHE stay at Go's defaults (~/go, ~/.cache/go-build), which a fresh machine creates on first use.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
export const goSkip = hasGo ? false : 'go not installed (apt-get install golang-go, Go >= 1.22)';

/** `folder` is the client's folder under test/interop; returns the binary's path. */
export async function buildGo(folder: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const source = fileURLToPath(new URL(`../../../../test/interop/${folder}/`, import.meta.url));
  const binDir = fileURLToPath(new URL('./bin/', import.meta.url));
  mkdirSync(binDir, { recursive: true });
  const binary = `${binDir}${folder}`;
  await run('go', ['build', '-buildvcs=false', '-o', binary, '.'], {
    cwd: source,
    env: { ...process.env, GOFLAGS: '-mod=readonly', GO111MODULE: 'on', ...env },
    timeout: 480_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return binary;
}

// Group commit (src/storage/group-commit.ts): flushes asked while one runs share a single follow-up,
// a failed flush fails its callers only, and settle() waits for everything in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../src/storage/group-commit.js';

function gate(): { promise: Promise<void>; open: () => void; fail: (err: Error) => void } {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

test('flushes asked while one runs share one follow-up run', async () => {
  const gates: Array<ReturnType<typeof gate>> = [];
  const commits = new GroupCommit(() => {
    const g = gate();
    gates.push(g);
    return g.promise;
  });
  const first = commits.flush();
  const queued = [commits.flush(), commits.flush(), commits.flush()];
  assert.equal(gates.length, 1, 'one run at a time');
  assert.ok(commits.busy);
  gates[0]!.open();
  await first;
  await new Promise((r) => setImmediate(r));
  assert.equal(gates.length, 2, 'the three waiting callers share one follow-up');
  gates[1]!.open();
  await Promise.all(queued);
  await commits.settle();
  assert.ok(!commits.busy);
});

test('a failed run fails its callers; the follow-up still runs for the ones queued behind it', async () => {
  const gates: Array<ReturnType<typeof gate>> = [];
  const commits = new GroupCommit(() => {
    const g = gate();
    gates.push(g);
    return g.promise;
  });
  const first = commits.flush();
  const second = commits.flush();
  gates[0]!.fail(new Error('EIO'));
  await assert.rejects(first, /EIO/);
  await new Promise((r) => setImmediate(r));
  assert.equal(gates.length, 2);
  gates[1]!.open();
  await second;
  await commits.settle();
  assert.ok(!commits.busy);
});

/** The broker's logger: bounded lines, rate-limited warnings, and per-request folding of repeats. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, logBounds, requestLogger, requestRepeatsMax } from '../../src/broker/logger.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

function capture(options: Parameters<typeof createLogger>[3] = {}) {
  const lines: string[] = [];
  const log = createLogger('debug', (l) => lines.push(l), {}, options);
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

// Client input (a 32 KiB client id, a topic name, a reason) was copied whole into log lines.
test('strings, arrays, objects and keys are cut with a marker, at any depth', () => {
  const { log, parsed } = capture();
  const long = 'x'.repeat(40_000);
  log.info({ clientId: long, nested: { deeper: [long] }, list: Array.from({ length: 1000 }, (_, i) => i), big: 12n }, 'm');
  const obj: Record<string, number> = {};
  for (let i = 0; i < 500; i++) obj[`k${i}`] = i;
  log.info({ obj, [long]: 1 }, 'keys');
  const [a, b] = parsed();
  assert.equal(a!.clientId.length < logBounds.stringCharsMax + 40, true);
  assert.match(a!.clientId, /…\[39488 more chars\]$/);
  assert.match(a!.nested.deeper[0], /more chars/);
  assert.equal(a!.list.length, logBounds.arrayItemsMax + 1);
  assert.match(a!.list.at(-1), /968 more items/);
  assert.equal(a!.big, '12');
  assert.equal(Object.keys(b!.obj).length, logBounds.objectKeysMax + 1);
  assert.ok(Object.keys(b!).every((k) => k.length < logBounds.stringCharsMax + 40));
});

test('a line over the cap keeps its time, level, msg and head, as valid JSON', () => {
  const { log, lines, parsed } = capture();
  const wide: Record<string, string[]> = {};
  for (let i = 0; i < 60; i++) wide[`f${i}`] = Array.from({ length: 30 }, () => 'y'.repeat(500));
  log.warn(wide, 'wide');
  assert.ok(lines[0]!.length <= logBounds.lineCharsMax);
  const [l] = parsed();
  assert.equal(l!.msg, 'wide');
  assert.equal(l!.level, 'warn');
  assert.ok(l!.lineCharsOmitted > logBounds.lineCharsMax);
});

test('errors keep name, message, code and stack', () => {
  const { log, parsed } = capture();
  const err = Object.assign(new Error('boom'), { code: 'ERR_X' });
  log.error({ err }, 'failed');
  const [l] = parsed();
  assert.equal(l!.err.message, 'boom');
  assert.equal(l!.err.code, 'ERR_X');
  assert.match(l!.err.stack, /boom/);
});

test('warnings with the same msg are rate-limited across requests, and the suppressed count is reported', async () => {
  let now = 1_000_000;
  const { log, parsed } = capture({ rate: { burst: 5, perSecond: 2 }, now: () => now });
  const child = log.child({ remote: 'a' });
  for (let i = 0; i < 50; i++) child.warn({ i }, 'closing connection');
  for (let i = 0; i < 3; i++) log.info({ i }, 'not limited');
  log.warn({}, 'another message');
  assert.equal(parsed().filter((l) => l.msg === 'closing connection').length, 5);
  assert.equal(parsed().filter((l) => l.msg === 'not limited').length, 3);
  assert.equal(parsed().filter((l) => l.msg === 'another message').length, 1);
  now += 1000; // two tokens back
  for (let i = 0; i < 5; i++) child.warn({ i }, 'closing connection');
  assert.equal(parsed().filter((l) => l.msg === 'closing connection').length, 7);
  await new Promise((r) => setTimeout(r, 1200));
  const report = parsed().find((l) => l.msg === 'log lines suppressed');
  assert.ok(report, 'a report line');
  assert.equal(report.suppressedMsg, 'closing connection');
  assert.equal(report.suppressed, 45 + 3);
  assert.equal(report.level, 'warn');
});

test('a request folds its repeated warnings into one summary with counts per error', () => {
  const { log, parsed } = capture();
  const req = requestLogger(log, { apiKey: ApiKey.Produce, correlationId: 9 });
  for (let i = 0; i < 100; i++) req.warn({ error: i % 4 === 0 ? 'MESSAGE_TOO_LARGE' : 'CORRUPT_MESSAGE', partition: i }, 'rejected produce batch');
  req.warn({}, 'once');
  req.info({}, 'info is not folded');
  req.info({}, 'info is not folded');
  assert.equal(parsed().filter((l) => l.msg === 'rejected produce batch').length, requestRepeatsMax);
  req.finish();
  const lines = parsed();
  const summary = lines.find((l) => l.summary === true);
  assert.deepEqual(
    { msg: summary!.msg, count: summary!.count, suppressed: summary!.suppressed, byError: summary!.byError, correlationId: summary!.correlationId },
    { msg: 'rejected produce batch', count: 100, suppressed: 100 - requestRepeatsMax, byError: { MESSAGE_TOO_LARGE: 25, CORRUPT_MESSAGE: 75 }, correlationId: 9 },
  );
  assert.equal(lines.filter((l) => l.summary === true).length, 1, 'no summary for a msg written once');
  assert.equal(lines.filter((l) => l.msg === 'info is not folded').length, 2);
  req.warn({}, 'after finish');
  assert.equal(parsed().filter((l) => l.msg === 'after finish').length, 1);
});

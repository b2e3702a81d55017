// What every Node client program here shares: the scenario's record contents
// (test/interop/modern-clients/scenario.ts) and its JSON-lines output.
export const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

export function valueBytes(i) {
  const out = Buffer.alloc((i % 40) + 1);
  for (let j = 0; j < out.length; j++) out[j] = (i * 31 + j * 7) & 0xff;
  return out;
}

export const headersOf = (i) => [['trace', Buffer.from([0x00, 0xff, i & 0xff])], ['empty', Buffer.alloc(0)], ['trace', Buffer.from('second', 'utf8')]];

export const keyOf = (i) => `key-${i}`;

export const hex = (b) => (b == null ? '' : Buffer.from(b).toString('hex'));

/** Exits non-zero after `ms`: a program that hangs fails its mode instead of the test's timeout. */
export function deadline(ms, what) {
  const t = setTimeout(() => { process.stderr.write(`${what}: no result after ${ms} ms\n`); process.exit(2); }, ms);
  t.unref();
  return t;
}

export function fail(err) {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
}

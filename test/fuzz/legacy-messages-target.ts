/**
 * Fuzz target: a Produce v0-2 message set (message formats v0/v1) through the legacy reader
 * (readMessageSetSync with bounded decompression). Oracle: it never throws anything but
 * LegacyMessageError, with CORRUPT_MESSAGE, UNSUPPORTED_COMPRESSION_TYPE or RECORD_LIST_TOO_LARGE; what it
 * accepts is whole magic 0/1 messages, and an accepted set without compression re-encodes to exactly the
 * input bytes (nothing is read that is not there, nothing is skipped). Load it only after
 * Coverage.start() (see engine.ts).
 */
import { ErrorCode } from '../../src/protocol/errors.js';
import { LegacyMessageError, encodeMessage, encodeWrapper, readMessageSetSync } from '../../src/protocol/legacy-messages.js';
import { decompressBoundedSync } from '../../src/protocol/records-codecs.js';
import type { FuzzTarget, Mutator } from './engine.js';
import { OracleViolation } from './request-target.js';

const OUTPUT_BYTES_MAX = 64 * 1024;
const allowed = new Set<number>([ErrorCode.CORRUPT_MESSAGE, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, ErrorCode.RECORD_LIST_TOO_LARGE]);

export function runLegacy(input: Buffer): void {
  let read;
  try {
    read = readMessageSetSync(input, { decompress: decompressBoundedSync, outputBytesMax: OUTPUT_BYTES_MAX });
  } catch (err) {
    if (err instanceof LegacyMessageError && allowed.has(err.errorCode)) return;
    throw new OracleViolation(`unexpected ${(err as Error).name}: ${(err as Error).message}`);
  }
  for (const m of read.messages) {
    if (m.magic !== 0 && m.magic !== 1) throw new OracleViolation(`accepted magic ${m.magic as number}`);
    if (m.magic === 0 && m.timestamp !== -1) throw new OracleViolation('a magic 0 message with a timestamp');
  }
  if (read.codec === 'none') {
    const again = Buffer.concat(read.messages.map((m) => encodeMessage(m.offset, m.magic, { timestamp: m.timestamp, key: m.key, value: m.value, logAppendTime: m.logAppendTime })));
    if (!again.equals(input)) throw new OracleViolation('an accepted uncompressed set does not re-encode to its bytes');
  }
}

async function seeds(): Promise<Buffer[]> {
  const m = (magic: 0 | 1, i: number, key: string | null) => encodeMessage(BigInt(i), magic, { timestamp: 1000 + i, key: key === null ? null : Buffer.from(key), value: Buffer.from(`value-${i}`) });
  const inner = (magic: 0 | 1) => Buffer.concat([m(magic, 0, 'a'), m(magic, 1, null), m(magic, 2, 'c')]);
  return [
    m(0, 0, 'k'), m(1, 7, null), Buffer.concat([m(1, 0, 'a'), m(1, 1, 'b')]), Buffer.concat([m(0, 0, null), m(0, 1, 'x')]),
    await encodeWrapper(2n, 1, 'gzip', inner(1), 1002, false), await encodeWrapper(2n, 0, 'gzip', inner(0), -1, false),
    await encodeWrapper(9n, 1, 'snappy', inner(1), 1002, true), await encodeWrapper(2n, 1, 'lz4', inner(1), 1002, false),
  ];
}

/** Sets a field that decides the parse: a size, the magic, the attributes. */
const field: Mutator = (input, rng) => {
  if (input.length < 18) return input;
  const out = Buffer.from(input);
  const at = rng.pick([8, 16, 17]);
  if (at === 8) out.writeInt32BE(rng.below(2) === 0 ? out.length - 12 : rng.below(out.length + 8) - 4, 8);
  else out[at] = rng.below(2) === 0 ? rng.below(3) : rng.below(256);
  return out;
};

export const legacyTarget: FuzzTarget = {
  name: 'legacy-messages',
  includeScript: (url) => /\/dist\/src\/protocol\/(legacy-messages|records-codecs)\.js$/.test(url),
  seeds: await seeds(),
  maxInputBytes: 2048,
  mutators: [field],
  run: runLegacy,
};

/**
 * Fuzz target: one request frame payload, decoded as broker/connection does it (frame decoder, request
 * header, then the body by API key and version). Oracle: a decode either returns a value or throws
 * ProtocolDecodeError; anything else (TypeError, RangeError from a Buffer read...) is a bug. A body that
 * decodes must encode again, and that encoding must decode to an equal value and re-encode to the same
 * bytes (the input itself need not come back byte for byte: booleans, lax lengths, unsorted tags).
 * Load it only after Coverage.start() (see engine.ts).
 */
import assert from 'node:assert/strict';
import { sameValue } from './same-value.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameDecoder } from '../../src/protocol/frame.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { decodeRequestHeader, encodeRequestHeader } from '../../src/protocol/header.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { ProtocolDecodeError } from '../../src/protocol/errors.js';
import { fixturesDir } from '../support/paths.js';
import type { FuzzTarget, Mutator } from './engine.js';

export const requestFixturesDir = join(fixturesDir, 'requests');
/** Inputs the fuzzer found that once broke an oracle; replayed by the smoke test and used as seeds. */
export const requestCrashesDir = join(fixturesDir, 'fuzz', 'requests');

const apiVersions: Array<[number, number]> = Object.values(apiMessages).flatMap((m) =>
  Array.from({ length: m.maxVersion - m.minVersion + 1 }, (_, i): [number, number] => [m.apiKey, m.minVersion + i]));

export class OracleViolation extends Error {
  override name = 'OracleViolation';
}

function expectDecodeError(err: unknown, where: string): void {
  if (err instanceof ProtocolDecodeError) return;
  throw new OracleViolation(`${where} threw ${String(err)} instead of ProtocolDecodeError`, { cause: err });
}

function encodeBody(apiKey: number, version: number, body: unknown): Buffer {
  const w = new Writer(64);
  apiMessages[apiKey]!.encodeRequest(w, version, body);
  return Buffer.from(w.toBuffer());
}

export function runRequest(payload: Buffer): void {
  // Framing: the payload behind a size prefix comes out whole, whatever the chunking.
  const framed = Buffer.alloc(4 + payload.length);
  framed.writeInt32BE(payload.length, 0);
  payload.copy(framed, 4);
  const cut = payload.length === 0 ? 0 : payload[0]! % framed.length;
  const decoder = new FrameDecoder({ frameBytesMax: 1 << 20 });
  const frames = [...decoder.push(framed.subarray(0, cut)), ...decoder.push(framed.subarray(cut))];
  if (frames.length !== 1 || !frames[0]!.equals(payload) || decoder.bufferedBytes !== 0) {
    throw new OracleViolation(`frame decoder returned ${frames.length} frames for one`);
  }

  const r = new Reader(frames[0]!);
  let header;
  try {
    header = decodeRequestHeader(r);
  } catch (err) {
    expectDecodeError(err, 'decodeRequestHeader');
    return;
  }
  if (!header.supported) return; // the connection answers UNSUPPORTED_VERSION or closes; no body decode
  const { apiKey, apiVersion } = header;
  const hw = new Writer(32);
  encodeRequestHeader(hw, header, header.headerVersion);
  const header2 = decodeRequestHeader(new Reader(Buffer.from(hw.toBuffer())));
  if (!sameValue(header2, header)) assert.deepStrictEqual(header2, header, 'request header round trip');

  let body: unknown;
  try {
    body = apiMessages[apiKey]!.decodeRequest(r, apiVersion);
  } catch (err) {
    expectDecodeError(err, `decode ${apiMessages[apiKey]!.name} v${apiVersion}`);
    return;
  }
  const bytes = encodeBody(apiKey, apiVersion, body);
  const r2 = new Reader(bytes);
  let again: unknown;
  try {
    again = apiMessages[apiKey]!.decodeRequest(r2, apiVersion);
  } catch (err) {
    throw new OracleViolation(`re-encoded ${apiMessages[apiKey]!.name} v${apiVersion} does not decode: ${String(err)}`, { cause: err });
  }
  assert.equal(r2.remaining, 0, 're-encoded body decodes with bytes left over');
  // sameValue is the fast check; assert only runs to explain a difference.
  if (!sameValue(again, body)) assert.deepStrictEqual(again, body, `${apiMessages[apiKey]!.name} v${apiVersion}: decode(encode(x)) != x`);
  if (!encodeBody(apiKey, apiVersion, again).equals(bytes)) assert.fail('re-encoding is not stable');
}

/** Move the body under another API key and version: most bytes then mean something else. */
const retarget: Mutator = (b, rng) => {
  if (b.length < 4) return b;
  const out = Buffer.from(b);
  const [key, version] = rng.pick(apiVersions);
  if (!rng.chance(3)) out.writeInt16BE(key, 0);
  out.writeInt16BE(version, 2);
  return out;
};

function readDir(dir: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
  } catch {
    return [];
  }
  return names.map((f) => readFileSync(join(dir, f)));
}

export function requestSeeds(): Buffer[] {
  return [...readDir(requestFixturesDir), ...readDir(requestCrashesDir)];
}

export const requestTarget: FuzzTarget = {
  name: 'request-decoder',
  includeScript: (url) => url.includes('/dist/src/protocol/') && !url.includes('/record-batch.') && !url.includes('/compression.'),
  seeds: requestSeeds(),
  maxInputBytes: 4096,
  mutators: [retarget, retarget],
  run: runRequest,
};

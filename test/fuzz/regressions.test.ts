// Inputs the fuzzers found that broke an oracle, one test per bug; each input is kept under
// test/fixtures/fuzz/ and also seeds the next fuzz run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from '../../src/protocol/reader.js';
import { decodeRequestHeader } from '../../src/protocol/header.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { ProtocolDecodeError } from '../../src/protocol/errors.js';
import { requestCrashesDir, runRequest } from './request-target.js';

const requestCrash = (name: string): Buffer => readFileSync(join(requestCrashesDir, name));

// Tagged fields out of order (tag 32 before 0, then 0 twice) were accepted, so the decoded message did
// not survive a re-encode (the encoder sorts); KIP-482 requires strictly ascending tags.
test('tagged fields out of order or repeated are a decode error', () => {
  const input = requestCrash('0-v12-unsorted-tags.bin');
  const r = new Reader(input);
  const h = decodeRequestHeader(r);
  assert.throws(() => apiMessages[h.apiKey]!.decodeRequest(r, h.apiVersion), ProtocolDecodeError);
  runRequest(input);
  const dup = Buffer.from([2, 1, 0, 1, 0]); // two fields, both tag 1
  assert.throws(() => new Reader(dup).taggedFields(), /tag 1 .*after tag 1/);
});

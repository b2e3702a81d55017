import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';

/** A record as the test meant it: what every client must give back byte for byte. */
export interface TestRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer]>;
}

export interface ReceivedRecord extends TestRecord {
  partition: number;
  offset: bigint;
}

/**
 * Records with binary (non-UTF-8) keys, values and header values, an empty value, a null value
 * (tombstone), and an empty key. `printable` keeps bytes to [a-z0-9] for tools that frame text.
 */
export function makeRecords(count: number, { keyed, printable = false, tag = 'r' }: { keyed: boolean; printable?: boolean; tag?: string }): TestRecord[] {
  const bytes = (n: number): Buffer =>
    printable ? Buffer.from(randomBytes(n).toString('hex').slice(0, n), 'latin1') : randomBytes(n);
  const records: TestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const key = keyed ? (i === 1 && !printable ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`${tag}-k${i}-`), bytes(4 + (i % 13))])) : null;
    let value: Buffer | null = Buffer.concat([Buffer.from(`${tag}-v${i}-`), bytes((i * 37) % 300)]);
    if (!printable && i === 2) value = Buffer.alloc(0);
    if (!printable && i === 3) value = null;
    const headers: Array<[string, Buffer]> = i % 4 === 0 ? [] : [[`h${i}`, bytes(1 + (i % 9))], ['trace', Buffer.from(`${tag}-${i}`)]];
    records.push({ key, value, headers });
  }
  return records;
}

/** Groups sent records by the partition the client reported for each, in send order. */
export function byPartition<T extends { partition: number }>(records: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const r of records) {
    const list = groups.get(r.partition) ?? [];
    list.push(r);
    groups.set(r.partition, list);
  }
  return groups;
}

function show(b: Buffer | null): string {
  return b === null ? 'null' : `0x${b.toString('hex')}`;
}

/** Asserts that `received` holds exactly `expected`, in order, with dense offsets from `firstOffset`. */
export function assertSameRecords(received: readonly ReceivedRecord[], expected: readonly TestRecord[], where: string, firstOffset = 0n): void {
  assert.equal(received.length, expected.length, `${where}: record count`);
  for (let i = 0; i < expected.length; i++) {
    const got = received[i]!;
    const want = expected[i]!;
    assert.equal(got.offset, firstOffset + BigInt(i), `${where}[${i}]: offset`);
    assert.equal(show(got.key), show(want.key), `${where}[${i}]: key`);
    assert.equal(show(got.value), show(want.value), `${where}[${i}]: value`);
    assert.deepEqual(
      got.headers.map(([k, v]) => [k, show(v)]),
      want.headers.map(([k, v]) => [k, show(v)]),
      `${where}[${i}]: headers`,
    );
  }
}

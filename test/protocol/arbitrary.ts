// Schema-driven fast-check arbitraries: a valid message of any API in any version, holding exactly the
// fields that exist in that version (absent fields are left out; see `project`).
import fc from 'fast-check';
import type { FieldSchema, FieldType, MessageSchema, PrimitiveType } from '../../src/protocol/schemas/types.js';
import { inRange } from '../../src/protocol/schemas/types.js';
import type { TaggedField } from '../../src/protocol/reader.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const uuidArb = fc.oneof(
  fc.constant('00000000-0000-0000-0000-000000000000'),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
    const h = hex(b);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }),
);
const bufArb = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b));

function primArb(t: PrimitiveType, nullable: boolean): fc.Arbitrary<unknown> {
  let a: fc.Arbitrary<unknown>;
  switch (t) {
    case 'int8': a = fc.integer({ min: -128, max: 127 }); break;
    case 'int16': a = fc.integer({ min: -32768, max: 32767 }); break;
    case 'int32': a = fc.integer({ min: -2147483648, max: 2147483647 }); break;
    case 'uint16': a = fc.integer({ min: 0, max: 65535 }); break;
    case 'uint32': a = fc.integer({ min: 0, max: 4294967295 }); break;
    case 'int64': a = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }); break;
    case 'float64': a = fc.double(); break;
    case 'bool': a = fc.boolean(); break;
    case 'string': a = fc.string({ unit: 'binary', maxLength: 8 }); break;
    case 'bytes':
    case 'records': a = bufArb; break;
    case 'uuid': a = uuidArb; break;
  }
  return nullable ? fc.option(a, { nil: null, freq: 4 }) : a;
}

function isFlexible(msg: MessageSchema, v: number): boolean {
  return inRange(msg.flexibleVersions, v);
}

const unknownTagged: fc.Arbitrary<TaggedField[]> = fc
  .uniqueArray(fc.integer({ min: 100, max: 100000 }), { maxLength: 2 })
  .chain((tags) => fc.tuple(...tags.sort((a, b) => a - b).map((tag) => bufArb.map((data) => ({ tag, data })))));

function typeArb(msg: MessageSchema, t: FieldType, v: number, nullable: boolean, depth: number): fc.Arbitrary<unknown> {
  if (typeof t === 'string') return primArb(t, nullable);
  if (t.kind === 'struct') {
    const s = structArb(msg, t.fields, v, depth + 1);
    return nullable ? fc.option(s, { nil: null, freq: 4 }) : s;
  }
  const items = typeArb(msg, t.items, v, false, depth);
  const arr = fc.array(items, { maxLength: depth > 2 ? 1 : 3 });
  return nullable ? fc.option(arr, { nil: null, freq: 4 }) : arr;
}

export function structArb(msg: MessageSchema, fields: readonly FieldSchema[], v: number, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    rec[f.name] = typeArb(msg, f.type, v, inRange(f.nullableVersions, v), depth);
  }
  const base = fc.record(rec).map((o) => ({ ...o }));
  if (!isFlexible(msg, v)) return base;
  return fc.tuple(base, fc.option(unknownTagged, { nil: undefined, freq: 3 })).map(([m, u]) =>
    u !== undefined && u.length > 0 ? { ...m, _unknownTaggedFields: u } : m,
  );
}

export function messageArb(msg: MessageSchema, v: number): fc.Arbitrary<Record<string, unknown>> {
  return structArb(msg, msg.fields, v);
}

/** Keeps only the fields that exist in version v (decoders fill the others with defaults). */
export function project(fields: readonly FieldSchema[], v: number, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    out[f.name] = projectValue(f.type, v, obj[f.name]);
  }
  if (obj['_unknownTaggedFields'] !== undefined) out['_unknownTaggedFields'] = obj['_unknownTaggedFields'];
  return out;
}

function projectValue(t: FieldType, v: number, val: unknown): unknown {
  if (val === null || typeof t === 'string') return val;
  if (t.kind === 'struct') return project(t.fields, v, val as Record<string, unknown>);
  const items = t.items;
  return (val as unknown[]).map((e) => projectValue(items, v, e));
}

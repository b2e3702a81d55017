// The small language our API schemas are written in. scripts/generate.ts turns these into codecs.

export type PrimitiveType =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64'
  | 'bool' | 'string' | 'bytes' | 'records' | 'uuid';

export interface StructType {
  readonly kind: 'struct';
  /** The struct's type name; the generated interface is `<Message><name>` unless name already starts with the message name. */
  readonly name: string;
  readonly fields: readonly FieldSchema[];
}

export interface ArrayType {
  readonly kind: 'array';
  readonly items: PrimitiveType | StructType;
}

export type FieldType = PrimitiveType | StructType | ArrayType;

/** Inclusive version range; `max` is Infinity for an open range such as "3+". An empty range has min > max. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export type DefaultValue = number | bigint | boolean | string | null;

export interface FieldSchema {
  /** camelCase name used in TypeScript. */
  readonly name: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  readonly default?: DefaultValue;
  /** For tagged fields: the tag and the versions in which the field travels as a tagged field. */
  readonly tag?: number;
  readonly taggedVersions: VersionRange;
  /** Overrides the message's flexible versions for this field (the request header's client id is never compact). */
  readonly flexibleVersions?: VersionRange;
}

export type MessageKind = 'request' | 'response' | 'header';

export interface MessageSchema {
  readonly apiKey: number;
  readonly name: string;
  readonly kind: MessageKind;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly fields: readonly FieldSchema[];
}

export const noVersions: VersionRange = { min: 1, max: 0 };

/** Parses "3+", "0-11", "5" or "none". */
export function versions(spec: string): VersionRange {
  if (spec === 'none' || spec === '') return noVersions;
  if (spec.endsWith('+')) return { min: parseVersion(spec.slice(0, -1), spec), max: Infinity };
  const dash = spec.indexOf('-');
  if (dash < 0) {
    const v = parseVersion(spec, spec);
    return { min: v, max: v };
  }
  return { min: parseVersion(spec.slice(0, dash), spec), max: parseVersion(spec.slice(dash + 1), spec) };
}

function parseVersion(s: string, spec: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`bad version range "${spec}"`);
  return Number(s);
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

export interface FieldOptions {
  readonly nullable?: string;
  readonly default?: DefaultValue;
  readonly tag?: number;
  readonly tagged?: string;
  readonly flexible?: string;
}

export function field(name: string, type: FieldType, versionSpec: string, opts: FieldOptions = {}): FieldSchema {
  const f: FieldSchema = {
    name,
    type,
    versions: versions(versionSpec),
    nullableVersions: opts.nullable === undefined ? noVersions : versions(opts.nullable),
    taggedVersions: opts.tagged === undefined ? noVersions : versions(opts.tagged),
    ...(opts.default === undefined ? {} : { default: opts.default }),
    ...(opts.tag === undefined ? {} : { tag: opts.tag }),
    ...(opts.flexible === undefined ? {} : { flexibleVersions: versions(opts.flexible) }),
  };
  if ((opts.tag === undefined) !== (opts.tagged === undefined)) throw new Error(`field ${name}: tag and tagged go together`);
  return f;
}

export function struct(name: string, fields: readonly FieldSchema[]): StructType {
  return { kind: 'struct', name, fields };
}

export function arrayOf(items: PrimitiveType | StructType): ArrayType {
  return { kind: 'array', items };
}

export function message(
  apiKey: number,
  name: string,
  kind: MessageKind,
  validVersionSpec: string,
  flexibleVersionSpec: string,
  fields: readonly FieldSchema[],
): MessageSchema {
  return { apiKey, name, kind, validVersions: versions(validVersionSpec), flexibleVersions: versions(flexibleVersionSpec), fields };
}

export interface ApiSchema {
  readonly apiKey: number;
  /** PascalCase API name, e.g. "Produce". */
  readonly name: string;
  /** File name under schemas/ and generated/, e.g. "produce". */
  readonly fileName: string;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
}

/** Building blocks of /openapi.json: object schemas, JSON bodies and answers, the error body. */
export type Schema = Record<string, unknown>;

export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
export const obj = (properties: Record<string, Schema> = {}, required: string[] = []): Schema => ({ type: 'object', properties, ...(required.length > 0 ? { required } : {}) });
export const errorBody: Schema = obj({ error_code: int, message: str }, ['error_code', 'message']);

/** The error answers of an operation: `{ error_code, message }` under each status. */
export function errors(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(statuses.map((s) => [s, { description: 'Client error', content: { 'application/json': { schema: errorBody } } }]));
}
export const okJson = (description: string, schema: Schema = { type: 'object' }, type = 'application/json') => ({ description, content: { [type]: { schema } } });
export const jsonRequest = (schema: Schema, required = true, types = ['application/json']) => ({ required, content: Object.fromEntries(types.map((t) => [t, { schema }])) });

/**
 * A legal Kafka topic name: [a-zA-Z0-9._-], 1 to 249 characters, not "." or ".." (spelled without
 * lookaheads, which some schema tools cannot generate from).
 */
export const topicName: Schema = {
  type: 'string', minLength: 1, maxLength: 249,
  pattern: '^([a-zA-Z0-9_-][a-zA-Z0-9._-]{0,248}|\\.[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,247}|\\.\\.[a-zA-Z0-9._-]{1,247})$',
};

const digits = (n: number): string => `[0-9]{0,${n}}`;
/**
 * The values each topic config accepts (checkTopicConfig's rules and the log's bounds), as patterns: a
 * generator that follows the document produces configs the broker takes.
 */
export const topicConfigValues: Record<string, Schema> = {
  'segment.bytes': { type: 'string', pattern: '^(104857[6-9]|10485[89][0-9]|1048[6-9][0-9]{2}|1049[0-9]{3}|10[5-9][0-9]{4}|1[1-9][0-9]{5}|[2-9][0-9]{6}|[1-9][0-9]{7,8}|1[0-9]{9}|20[0-3][0-9]{7}|204[0-6][0-9]{6})$', description: '1 MiB to about 2 GiB' },
  'segment.ms': { type: 'string', pattern: `^[1-9]${digits(12)}$` },
  'retention.ms': { type: 'string', pattern: `^(-1|0|[1-9]${digits(12)})$`, description: '-1: keep' },
  'retention.bytes': { type: 'string', pattern: `^(-1|0|[1-9]${digits(14)})$`, description: '-1: no limit' },
  'message.timestamp.type': { type: 'string', enum: ['CreateTime', 'LogAppendTime'] },
  'max.message.bytes': { type: 'string', pattern: `^(0|[1-9]${digits(9)})$` },
  'index.interval.bytes': { type: 'string', pattern: `^(0|[1-9]${digits(8)})$` },
  'cleanup.policy': { type: 'string', enum: ['delete', 'compact', 'compact,delete', 'delete,compact'] },
  'delete.retention.ms': { type: 'string', pattern: `^(0|[1-9]${digits(12)})$` },
  'min.cleanable.dirty.ratio': { type: 'string', pattern: '^(0|1|0?\\.[0-9]{1,6}|1\\.0{1,6})$' },
  'min.compaction.lag.ms': { type: 'string', pattern: `^(0|[1-9]${digits(12)})$` },
  'min.insync.replicas': { type: 'string', pattern: `^[1-9]${digits(5)}$` },
  'compression.type': { type: 'string', enum: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] },
};

/** Configs as an object of name → value (the console). */
export const topicConfigObject: Schema = { type: 'object', properties: topicConfigValues, additionalProperties: false };
/** Configs as [{ name, value }] (REST v3). */
export const topicConfigList: Schema = {
  type: 'array',
  items: { oneOf: Object.entries(topicConfigValues).map(([name, value]) => obj({ name: { type: 'string', enum: [name] }, value }, ['name', 'value'])) },
};

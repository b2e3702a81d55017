// Typed serializers. Null keys and values never reach a serializer: they are sent as Kafka nulls.

/** Turns a value into bytes. */
export interface Serializer<T> {
  serialize(value: T): Buffer;
}

/** Turns bytes back into a value. */
export interface Deserializer<T> {
  deserialize(data: Buffer): T;
}

/** Both directions of one type. */
export interface Serde<T> extends Serializer<T>, Deserializer<T> {}

/** UTF-8 strings. */
export const stringSerde: Serde<string> = {
  serialize: (value) => Buffer.from(value, 'utf8'),
  deserialize: (data) => data.toString('utf8'),
};

/** Bytes as they are. */
export const bufferSerde: Serde<Buffer> = {
  serialize: (value) => value,
  deserialize: (data) => data,
};

/** JSON text in UTF-8; `deserialize` trusts the data to be a `T`. */
export function jsonSerde<T>(): Serde<T> {
  return {
    serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
    deserialize: (data) => JSON.parse(data.toString('utf8')) as T,
  };
}

/** The producer's default: strings as UTF-8, Buffers as they are. */
export const rawSerializer: Serializer<string | Buffer> = {
  serialize: (value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value),
};

/**
 * What the interop tests need from @platformatic/kafka 1.x that its clients do not offer. We pin the
 * 1.x line because 2.x (and the dependencies of 1.27+) declare Node >= 22; 1.x's Admin has no config,
 * DeleteRecords or ListOffsets methods and its Producer no transactions, so the tests send those
 * requests with the library's own protocol APIs (its encoders and decoders) over its Connection.
 */
import { Connection, murmur2, type MessageToProduce } from '@platformatic/kafka';

/**
 * Java's partitioner, as 2.x ships it (`compatibilityPartitioner`): toPositive(murmur2(key)); the
 * producer takes it modulo the partition count. 1.x's default is `murmur2(key) >>> 0`, which differs
 * from Java's for keys whose hash is negative.
 */
export function compatibilityPartitioner(message: MessageToProduce<Buffer, Buffer, Buffer, Buffer>): number {
  return Buffer.isBuffer(message.key) ? murmur2(message.key, false) & 0x7fffffff : 0;
}

/** Opens one @platformatic/kafka Connection to the first bootstrap broker, runs `fn`, closes it. */
export async function withConnection<T>(bootstrap: string, clientId: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const [host, port] = splitHostPort(bootstrap.split(',')[0]!);
  const connection = new Connection(clientId, { connectTimeout: 10_000 });
  await connection.connect(host, port);
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

function splitHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw new Error(`bootstrap address without a port: ${address}`);
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/** The Kafka error codes inside a @platformatic/kafka error (its ResponseError nests one ProtocolError per failing field). */
export function protocolErrorCodes(err: unknown): number[] {
  const e = err as { apiCode?: number; errors?: unknown[]; cause?: unknown };
  return [
    ...(typeof e.apiCode === 'number' ? [e.apiCode] : []),
    ...(e.errors ?? []).flatMap(protocolErrorCodes),
    ...(e.cause === undefined ? [] : protocolErrorCodes(e.cause)),
  ];
}

/**
 * `consumer.close(true)` as a promise: 1.x types that call by its callback overload (void), so a
 * Promise.allSettled over it would not be seen to wait.
 */
export function closeForced(consumer: { close(force: boolean, callback: (error?: Error | null) => void): void }): Promise<void> {
  return new Promise((resolve, reject) => consumer.close(true, (error) => (error ? reject(error) : resolve())));
}

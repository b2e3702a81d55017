// The client's one error class. Broker answers carry Kafka's error code; local failures (network,
// timeouts, a closed client) reuse the Kafka code that means the same, so callers match on one field.
import { errorInfo, errorName } from '../protocol/errors.js';
import { ErrorCode } from '../protocol/errors.js';

/** Local conditions that have no broker error code of their own. */
export const CLIENT_CLOSED_CODE = -100;
const localNames: Record<number, string> = { [CLIENT_CLOSED_CODE]: 'CLIENT_CLOSED' };

/**
 * A failure reported by a Kafka broker or detected by the client.
 *
 * - `code`: Kafka's numeric error code (e.g. 3 for UNKNOWN_TOPIC_OR_PARTITION); network failures use
 *   13 (NETWORK_EXCEPTION), timeouts 7 (REQUEST_TIMED_OUT), a closed client -100 (CLIENT_CLOSED).
 * - `errorName`: Kafka's name for the code.
 * - `retriable`: whether retrying the same operation may succeed (Kafka's RetriableException set).
 */
export class KafkaClientError extends Error {
  readonly code: number;
  readonly errorName: string;
  readonly retriable: boolean;

  constructor(code: number, message?: string, options?: { cause?: unknown; retriable?: boolean }) {
    const name = localNames[code] ?? errorName(code);
    super(message === undefined ? name : `${name}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaClientError';
    this.code = code;
    this.errorName = name;
    this.retriable = options?.retriable ?? errorInfo(code)?.retriable ?? false;
  }
}

export const NETWORK_EXCEPTION = ErrorCode.NETWORK_EXCEPTION;
export const REQUEST_TIMED_OUT = ErrorCode.REQUEST_TIMED_OUT;

/** Throws a KafkaClientError unless `code` is 0. */
export function throwIfError(code: number, message?: string | null, context?: string): void {
  if (code === 0) return;
  const parts = [context, message ?? undefined].filter((s) => s !== undefined && s !== '');
  throw new KafkaClientError(code, parts.length > 0 ? parts.join(': ') : undefined);
}

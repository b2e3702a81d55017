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

/**
 * The broker refused this principal access to these topics (TOPIC_AUTHORIZATION_FAILED, 29): Java's
 * TopicAuthorizationException. Not retriable: a consumer's poll (`run`, iteration) and a producer's
 * `send` reject with it instead of retrying until an ACL changes.
 */
export class TopicAuthorizationError extends KafkaClientError {
  readonly topics: readonly string[];

  constructor(topics: Iterable<string>, options?: { cause?: unknown }) {
    const list = [...new Set(topics)].sort();
    super(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `Not authorized to access topics: [${list.join(', ')}]`, { ...options, retriable: false });
    this.name = 'TopicAuthorizationError';
    this.topics = list;
  }
}

/** The broker refused this principal access to the group (GROUP_AUTHORIZATION_FAILED, 30): Java's GroupAuthorizationException. */
export class GroupAuthorizationError extends KafkaClientError {
  readonly groupId: string;

  constructor(groupId: string, options?: { cause?: unknown }) {
    super(ErrorCode.GROUP_AUTHORIZATION_FAILED, `Not authorized to access group: ${groupId}`, { ...options, retriable: false });
    this.name = 'GroupAuthorizationError';
    this.groupId = groupId;
  }
}

/**
 * The error for a broker's `code` about `scope`: the typed authorization errors above for codes 29
 * (with the topics) and 30 (with the group), a plain KafkaClientError otherwise.
 */
export function brokerError(code: number, message: string, scope: { topics?: Iterable<string>; groupId?: string } = {}): KafkaClientError {
  if (code === ErrorCode.TOPIC_AUTHORIZATION_FAILED && scope.topics !== undefined) return new TopicAuthorizationError(scope.topics);
  if (code === ErrorCode.GROUP_AUTHORIZATION_FAILED && scope.groupId !== undefined) return new GroupAuthorizationError(scope.groupId);
  return new KafkaClientError(code, message);
}

export const NETWORK_EXCEPTION = ErrorCode.NETWORK_EXCEPTION;
export const REQUEST_TIMED_OUT = ErrorCode.REQUEST_TIMED_OUT;

/** Throws a KafkaClientError unless `code` is 0. */
export function throwIfError(code: number, message?: string | null, context?: string): void {
  if (code === 0) return;
  const parts = [context, message ?? undefined].filter((s) => s !== undefined && s !== '');
  throw new KafkaClientError(code, parts.length > 0 ? parts.join(': ') : undefined);
}

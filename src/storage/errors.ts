// Storage failures. `code` is the Kafka error name a handler answers with (ErrorCode[code]).
import { ErrorCode, MinikafkaError } from '../protocol/errors.js';
import { isInvariantError } from '../invariant.js';

export type StorageErrorCode =
  | 'KAFKA_STORAGE_ERROR'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_PARTITIONS'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'INVALID_CONFIG'
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'UNSUPPORTED_FOR_MESSAGE_FORMAT'
  | 'UNSUPPORTED_COMPRESSION_TYPE'
  | 'RECORD_LIST_TOO_LARGE'
  | 'OFFSET_OUT_OF_RANGE'
  | 'INVALID_TIMESTAMP'
  // producer state (producer-state.ts)
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'INVALID_PRODUCER_EPOCH'
  | 'INVALID_TXN_STATE';

export class StorageError extends MinikafkaError {
  declare readonly code: StorageErrorCode;
  /** Kafka wire error code for `code`. */
  readonly errorCode: number;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.errorCode = ErrorCode[code];
  }
}

/**
 * An I/O failure (ENOSPC, EIO, ...) from the fs layer; maps to KAFKA_STORAGE_ERROR. `what` is named
 * relative to the data dir ('topic/0/00000000000000000000.log', a topic name): the message reaches
 * clients in errorMessage fields, and the data dir's absolute path is not theirs to know.
 */
export class StorageIoError extends StorageError {
  readonly syscallCode: string;

  constructor(op: string, what: string, cause: unknown) {
    // A bug met during I/O is never disguised as a disk error: the InvariantError goes on (src/invariant.ts).
    if (isInvariantError(cause)) throw cause;
    const sys = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
    super('KAFKA_STORAGE_ERROR', `${op} ${what}: ${sys}`, { cause });
    this.syscallCode = sys;
  }
}

/** A log that hit an fsync or unrecoverable write failure refuses further writes (fsync errors lose pages). `name`: as for StorageIoError. */
export class LogOfflineError extends StorageError {
  constructor(name: string, cause: unknown) {
    super('KAFKA_STORAGE_ERROR', `log ${name} is offline after an I/O failure`, { cause });
  }
}

/** A partition dir's (or file's) name relative to the data dir: its last `depth` path components. */
export function dataDirRelative(path: string, depth: number): string {
  return path.split('/').slice(-depth).join('/');
}

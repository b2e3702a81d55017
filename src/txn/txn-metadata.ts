/** One transactional id's state, as the coordinator keeps it and as `__transaction_state` stores it. */
import { TXN_STATUS_NAMES, TxnStatus, type TransactionLogValue, type TransactionLogValueInput, type TxnStatusId } from '../protocol/txn-records.js';

/** Kafka's Short.MaxValue - 1: at this epoch a transactional id gets a new producer id instead of a bump. */
export const PRODUCER_EPOCH_MAX = 32766;

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** The producer id before the last change of id (-1: none): a KIP-360 InitProducerId may still name it. */
  lastProducerId: number;
  producerEpoch: number;
  /** The epoch before the last bump (-1: none), in memory only as in Kafka. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnStatusId;
  /** topic → partitions in the current transaction. */
  partitions: Map<string, Set<number>>;
  startMs: number;
  lastUpdateMs: number;
  /** A write or marker round is in progress: other requests get CONCURRENT_TRANSACTIONS meanwhile. */
  busy: boolean;
}

export function stateName(state: number): string {
  return TXN_STATUS_NAMES[state] ?? 'Unknown';
}

export function partitionCount(meta: TxnMetadata): number {
  let n = 0;
  for (const s of meta.partitions.values()) n += s.size;
  return n;
}

export function toLogValue(meta: TxnMetadata): TransactionLogValueInput {
  const parts = [...meta.partitions].map(([topic, ps]) => ({ topic, partitionIds: [...ps].sort((a, b) => a - b) }));
  return {
    producerId: BigInt(meta.producerId),
    previousProducerId: BigInt(meta.lastProducerId),
    producerEpoch: meta.producerEpoch,
    transactionTimeoutMs: meta.timeoutMs,
    transactionStatus: meta.state,
    transactionPartitions: parts.length === 0 ? null : parts,
    transactionLastUpdateTimestampMs: BigInt(meta.lastUpdateMs),
    transactionStartTimestampMs: BigInt(meta.startMs),
  };
}

/** A stored value back into metadata; a value that cannot be ours is refused with the reason (never trusted). */
export function fromLogValue(transactionalId: string, v: TransactionLogValue): TxnMetadata | string {
  const safe = (x: bigint): number | undefined => (x >= -1n && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : undefined);
  const producerId = safe(v.producerId);
  const lastProducerId = safe(v.previousProducerId);
  const startMs = safe(v.transactionStartTimestampMs);
  const lastUpdateMs = safe(v.transactionLastUpdateTimestampMs);
  if (producerId === undefined || producerId < 0 || lastProducerId === undefined) return 'producer id out of range';
  if (startMs === undefined || lastUpdateMs === undefined) return 'timestamp out of range';
  if (v.producerEpoch < 0 || v.producerEpoch > PRODUCER_EPOCH_MAX + 1) return `producer epoch ${v.producerEpoch}`;
  if (v.transactionTimeoutMs <= 0) return `transaction timeout ${v.transactionTimeoutMs}`;
  if (v.transactionStatus < TxnStatus.Empty || v.transactionStatus > TxnStatus.PrepareEpochFence) return `transaction status ${v.transactionStatus}`;
  const partitions = new Map<string, Set<number>>();
  for (const p of v.transactionPartitions ?? []) {
    if (p.topic === '' || p.partitionIds.some((i) => i < 0)) return 'bad partition in the transaction';
    partitions.set(p.topic, new Set(p.partitionIds));
  }
  return {
    transactionalId,
    producerId,
    lastProducerId,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: -1,
    timeoutMs: v.transactionTimeoutMs,
    state: v.transactionStatus as TxnStatusId,
    partitions,
    startMs,
    lastUpdateMs,
    busy: false,
  };
}

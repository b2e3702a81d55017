/** What the group coordinator's callers (the handlers) pass in and get back for offsets and the admin APIs: no wire types. */
import type { TxnProducer } from './offsets-topic.js';
import type { GroupErrorName } from './types.js';

export interface CommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit version: KIP-848 members must use v9+. */
  version: number;
  /** TxnOffsetCommit: the offsets become visible when the producer's transaction commits. */
  txn?: TxnProducer;
  topics: Array<{ name: string; partitions: Array<{ partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }> }>;
}

export interface CommitResult {
  topics: Array<{ name: string; partitions: Array<{ partition: number; error: GroupErrorName }> }>;
}

export interface FetchedOffsets {
  error: GroupErrorName;
  topics: Array<{ name: string; partitions: Array<{ partition: number; offset: bigint; leaderEpoch: number; metadata: string | null; error: GroupErrorName }> }>;
}

export interface DescribedClassicGroup {
  error: GroupErrorName;
  groupId: string;
  state: string;
  protocolType: string;
  protocolData: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }>;
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: string;
  type: 'classic' | 'consumer';
}

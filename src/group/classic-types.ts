/**
 * Requests and results of the classic group protocol, as the coordinator sees them; a member, and what a
 * group needs from the coordinator. Errors are names, not codes, and versions are resolved into flags;
 * the parts that travel through untouched (protocol offers, member lists, assignments) are the wire's.
 */
import type {
  HeartbeatRequest as HeartbeatRequestWire, JoinGroupRequestProtocol, JoinGroupResponseMember, LeaveGroupRequestMemberIdentity, SyncGroupRequestAssignment,
} from '../protocol/generated/index.js';
import type { Scheduler, TimerHandle } from './clock.js';
import type { ClassicGroup } from './classic-group.js';
import type { GroupErrorName, GroupLogger } from './types.js';

export type ProtocolOffer = Pick<JoinGroupRequestProtocol, 'name' | 'metadata'>;

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: ProtocolOffer[];
  sessionTimeoutMs: number;
  /** v0 has none: the session timeout is used. */
  rebalanceTimeoutMs: number;
  clientId: string;
  clientHost: string;
  /** KIP-394 (JoinGroup v4+): an unknown member first gets MEMBER_ID_REQUIRED and a generated id. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a static leader that rejoins a stable group is told to skip assignment. */
  supportsSkipAssignment: boolean;
}

export interface JoinResult {
  error: GroupErrorName;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: Array<Pick<JoinGroupResponseMember, 'memberId' | 'groupInstanceId' | 'metadata'>>;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<Pick<SyncGroupRequestAssignment, 'memberId' | 'assignment'>>;
}

export interface SyncResult {
  error: GroupErrorName;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export type HeartbeatRequest = Pick<HeartbeatRequestWire, 'groupId' | 'generationId' | 'memberId' | 'groupInstanceId'>;

export type LeaveMember = Pick<LeaveGroupRequestMemberIdentity, 'memberId' | 'groupInstanceId'>;

export type ClassicState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export function joinError(error: GroupErrorName, memberId = ''): JoinResult {
  return { error, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

export function syncError(error: GroupErrorName): SyncResult {
  return { error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export interface ClassicEnv {
  scheduler: Scheduler;
  log: GroupLogger;
  initialRebalanceDelayMs: number;
  maxSize: number;
  newMemberId(clientId: string): string;
  /** Records the group's metadata (called on stable assignment, on empty, on static replacement). */
  persist(group: ClassicGroup): void;
  /** Checks the leader's proposed assignment; returns a problem or undefined (golden rule). */
  checkAssignment(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): string | undefined;
  /** Called after every state change (the invariant check runs here). */
  onChange(group: ClassicGroup): void;
}

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolOffer[];
  assignment: Buffer;
  joinWaiter?: (r: JoinResult) => void;
  syncWaiter?: (r: SyncResult) => void;
  supportsSkipAssignment: boolean;
  sessionTimer?: TimerHandle;
}

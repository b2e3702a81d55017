/**
 * The coordinator's offset rules: who may commit to a group (OffsetCommit and TxnOffsetCommit answer
 * with its error; a valid classic member's session is refreshed), and which topics a group subscribes
 * to (OffsetDelete refuses their partitions).
 */
import type { CommitRequest } from './coordinator-api.js';
import type { Group } from './coordinator.js';
import { decodeConsumerSubscription } from '../protocol/consumer-protocol.js';
import { ProtocolDecodeError } from '../protocol/errors.js';
import { MatchBudget } from './topic-regex.js';
import type { GroupErrorName } from './types.js';

/** The error a commit by this member gets (NONE: accepted); a group-less commit with generation -1 is a "simple" consumer's. */
export function commitError(group: Group | undefined, req: CommitRequest): GroupErrorName {
  const gen = req.generationIdOrMemberEpoch;
  if (group === undefined) {
    if (gen < 0) return 'NONE';
    return req.version >= 9 ? 'GROUP_ID_NOT_FOUND' : 'ILLEGAL_GENERATION';
  }
  if (group.kind === 'consumer') {
    if (gen < 0 && group.members.size === 0) return 'NONE';
    const member = group.members.get(req.memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    if (req.version < 9) return 'UNSUPPORTED_VERSION';
    if (gen > member.memberEpoch) return 'FENCED_MEMBER_EPOCH';
    if (gen < member.memberEpoch) return 'STALE_MEMBER_EPOCH';
    return 'NONE';
  }
  if (group.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
  if (gen < 0 && group.state === 'Empty') return 'NONE';
  if (gen >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    const problem = group.validateMember(req.memberId, req.groupInstanceId);
    if (problem !== 'NONE') return problem;
    if (gen !== group.generationId) return 'ILLEGAL_GENERATION';
  } else if (group.state !== 'Empty') {
    return 'UNKNOWN_MEMBER_ID';
  }
  if (group.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS';
  const member = group.members.get(req.memberId);
  if (member !== undefined) group.touchSession(member);
  return 'NONE';
}

/** Topics the group's members subscribe to; undefined when a non-empty classic group's protocol is opaque. */
export function subscribedTopicsOf(group: Group): Set<string> | undefined {
  const out = new Set<string>();
  if (group.kind === 'consumer') {
    const budget = new MatchBudget();
    for (const m of group.members.values()) for (const t of group.subscribedTopics(m, budget)) out.add(t);
    return out;
  }
  if (group.members.size === 0) return out;
  if (group.protocolType !== 'consumer') return undefined;
  for (const m of group.members.values()) {
    const metadata = m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? m.protocols[0]?.metadata;
    if (metadata === undefined) continue;
    try {
      for (const t of decodeConsumerSubscription(metadata).topics) out.add(t);
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
      return undefined;
    }
  }
  return out;
}

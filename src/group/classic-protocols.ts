/**
 * A classic group's protocols: which ones its members have in common, whether a joining member fits,
 * which one the group uses (Kafka's vote), and the members a GroupMetadataValue restores with theirs.
 */
import type { ClassicMember, JoinResult, ProtocolOffer } from './classic-types.js';

const EMPTY = Buffer.alloc(0);

/** The protocol names every member offers. */
export function commonProtocols(members: Iterable<ClassicMember>): Set<string> {
  let set: Set<string> | undefined;
  for (const m of members) {
    const names = new Set(m.protocols.map((p) => p.name));
    set = set === undefined ? names : new Set([...set].filter((n) => names.has(n)));
  }
  return set ?? new Set();
}

/** May a member offering `protocols` of `protocolType` join? Yes into an empty group; else the type must match and one protocol be common. */
export function acceptsProtocols(group: { members: ReadonlyMap<string, ClassicMember>; protocolType: string | null }, protocolType: string, protocols: ProtocolOffer[]): boolean {
  if (protocolType === '' || protocols.length === 0) return false;
  if (group.members.size === 0) return true;
  if (protocolType !== group.protocolType) return false;
  const candidates = commonProtocols(group.members.values());
  return protocols.some((p) => candidates.has(p.name));
}

/** Each member votes for its first protocol every member supports; most votes wins. */
export function voteProtocol(members: Iterable<ClassicMember>): string {
  const all = [...members];
  const candidates = commonProtocols(all);
  const votes = new Map<string, number>();
  for (const m of all) {
    const vote = m.protocols.find((p) => candidates.has(p.name))?.name;
    if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [name, n] of votes) if (best === undefined || n > votes.get(best)!) best = name;
  return best ?? [...candidates][0] ?? '';
}

/** Does a rejoining member offer exactly what it offered before (names, order and metadata)? */
export function sameOffers(member: ClassicMember, protocols: ProtocolOffer[]): boolean {
  if (member.protocols.length !== protocols.length) return false;
  return member.protocols.every((p, i) => p.name === protocols[i]!.name && p.metadata.equals(protocols[i]!.metadata));
}

/** What the leader's join response lists: each member with its metadata for the chosen protocol. */
export function leaderMemberList(members: Iterable<ClassicMember>, protocolName: string | null): JoinResult['members'] {
  return [...members].map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    metadata: m.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY,
  }));
}

/** A GroupMetadataValue as ClassicGroup.restore reads it. */
export interface RestoredClassicGroup {
  generation: number;
  protocolType: string;
  protocol: string | null;
  leader: string | null;
  currentStateTimestampMs: number;
  members: Array<Omit<ClassicMember, 'protocols' | 'protocolType' | 'supportsSkipAssignment'> & { subscription: Buffer }>;
}

/** The members of a restored group, each offering only the group's protocol with its stored subscription. */
export function restoredMembers(v: RestoredClassicGroup): ClassicMember[] {
  return v.members.map((m) => ({
    memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs, rebalanceTimeoutMs: m.rebalanceTimeoutMs, protocolType: v.protocolType,
    protocols: [{ name: v.protocol ?? '', metadata: m.subscription }], assignment: m.assignment, supportsSkipAssignment: false,
  }));
}

/**
 * The golden rule: no partition is owned by two members of a group at once.
 *   classic:  within the current generation, the assignments the leader handed out (decoded as the
 *             consumer protocol) name each partition at most once. With cooperative-sticky, a partition
 *             a member declared as owned in its join may not go to another member in the same generation
 *             (the owner must revoke it first and the next generation can move it).
 *   consumer: each partition is in at most one member's assigned ∪ revoking set (a partition being
 *             revoked is still owned until acknowledged), and the target assignment names it at most once.
 */
import type { ClassicGroup } from './classic-group.js';
import type { ConsumerGroup } from './consumer-group.js';
import { decodeConsumerAssignment, decodeConsumerSubscription } from '../protocol/consumer-protocol.js';
import { ProtocolDecodeError } from '../protocol/errors.js';
import { InvariantError } from '../invariant.js';
import { tpKey } from './types.js';

/** What the classic check reads of a group: a live ClassicGroup, or a GroupMetadataValue being loaded. */
export interface ClassicAssignmentView {
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly generationId: number;
  readonly members: ReadonlyMap<string, { readonly memberId: string; readonly protocols: ReadonlyArray<{ readonly name: string; readonly metadata: Buffer }> }>;
}

/**
 * The problem with a classic assignment (memberId → ConsumerProtocolAssignment bytes), or undefined.
 * `sharedPartitions` (broker config minikafka.group.classic.shared.partitions.enable) lets a leader give
 * one partition to several members, as Kafka does (it treats assignments as opaque): then only that
 * every assignment decodes is checked.
 */
export function classicAssignmentProblem(group: ClassicAssignmentView, assignments: ReadonlyMap<string, Buffer>, sharedPartitions = false): string | undefined {
  if (group.protocolType !== 'consumer') return undefined; // opaque protocols (connect, streams...) cannot be checked
  const owner = new Map<string, string>();
  for (const [memberId, bytes] of assignments) {
    let tp;
    try {
      tp = decodeConsumerAssignment(bytes).assignedPartitions;
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
      return `member ${memberId}: undecodable assignment (${err.message})`;
    }
    for (const { topic, partitions: parts } of tp) {
      for (const p of parts) {
        const k = tpKey(topic, p);
        const other = owner.get(k);
        if (other !== undefined && !sharedPartitions) return `${topic}-${p} assigned to both ${other} and ${memberId} in generation ${group.generationId}`;
        owner.set(k, memberId);
      }
    }
  }
  if (group.protocolName === 'cooperative-sticky' && !sharedPartitions) {
    for (const m of group.members.values()) {
      const metadata = m.protocols.find((p) => p.name === group.protocolName)?.metadata;
      if (metadata === undefined) continue;
      let owned;
      try {
        owned = decodeConsumerSubscription(metadata).ownedPartitions;
      } catch (err) {
        if (!(err instanceof ProtocolDecodeError)) throw err;
        continue; // metadata that is not a subscription claims nothing
      }
      for (const { topic, partitions: parts } of owned) {
        for (const p of parts) {
          const to = owner.get(tpKey(topic, p));
          if (to !== undefined && to !== m.memberId) return `${topic}-${p} still owned by ${m.memberId} but assigned to ${to} in generation ${group.generationId}`;
        }
      }
    }
  }
  return undefined;
}

export function assertSinglePartitionOwner(group: ClassicGroup | ConsumerGroup, classicSharedPartitions = false): void {
  if (group.kind === 'classic') {
    if (group.state !== 'Stable') return;
    const assignments = new Map<string, Buffer>();
    for (const m of group.members.values()) assignments.set(m.memberId, m.assignment);
    const problem = classicAssignmentProblem(group, assignments, classicSharedPartitions);
    if (problem !== undefined) throw new InvariantError(`group ${group.groupId}: ${problem}`);
    return;
  }
  const owner = new Map<string, string>();
  for (const m of group.members.values()) {
    for (const set of [m.assigned, m.revoking]) {
      for (const k of set) {
        const other = owner.get(k);
        if (other !== undefined) throw new InvariantError(`group ${group.groupId}: ${k.replace('\u0000', '-')} owned by both ${other} and ${m.memberId}`);
        owner.set(k, m.memberId);
      }
    }
  }
  const targetOwner = new Map<string, string>();
  for (const [id, keys] of group.target) {
    for (const k of keys) {
      const other = targetOwner.get(k);
      if (other !== undefined) throw new InvariantError(`group ${group.groupId}: target gives ${k.replace('\u0000', '-')} to both ${other} and ${id}`);
      targetOwner.set(k, id);
    }
  }
}

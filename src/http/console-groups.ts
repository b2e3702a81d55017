// The console's consumer groups: list, one group (members and their assignment, committed offsets and
// lag per partition), and resetting a group's committed offsets, which only an empty group allows
// (Kafka's kafka-consumer-groups --reset-offsets has the same rule): a group with members answers 409; a
// group that does not exist yet is created with the offsets. ACLs as Kafka's: listing and describing
// need DESCRIBE on the group (lag only of topics the caller may DESCRIBE), a reset is an OffsetCommit:
// READ on the group and the topic.
import { decodeConsumerAssignment, topicPartitionMap } from '../protocol/consumer-protocol.js';
import { ProtocolDecodeError } from '../protocol/errors.js';
import { HttpError, clip, notFound, topicNotFound, unprocessable } from './errors.js';
import type { ConsoleDeps } from './console-api.js';
import { jsonBody, mapChunked, sendApi } from './console-params.js';
import type { Router } from './router.js';
import { canDescribeGroup, lags } from './v3.js';

/** Groups listed per request (each computes its lag). */
export const GROUPS_LISTED_MAX = 1000;
const GROUP_ID_CHARS_MAX = 255;
/** Partitions one reset may name. */
const RESET_PARTITIONS_MAX = 10_000;

interface Member {
  member_id: string;
  client_id: string;
  host: string;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export function registerConsoleGroups(router: Router, d: ConsoleDeps): void {
  const b = d.broker;
  const listed = (groupId: string) => b.groups.listGroups([], []).find((g) => g.groupId === groupId);

  router.add('GET', '/console/api/groups', (ctx) => {
    const all = b.groups.listGroups([], []).filter((g) => canDescribeGroup(ctx.access, g.groupId));
    sendApi(ctx, 200, {
      groups_truncated: all.length > GROUPS_LISTED_MAX,
      groups: all.slice(0, GROUPS_LISTED_MAX).map((g) => ({
        group: g.groupId, type: g.type, state: g.state, protocol_type: g.protocolType,
        members: b.groups.groups.get(g.groupId)?.members.size ?? 0,
        lag: lags(b, g.groupId, ctx.access).reduce((n, l) => n + l.lag, 0),
      })),
    });
  });

  router.add('GET', '/console/api/groups/:group', (ctx) => {
    const groupId = ctx.params['group']!;
    ctx.access.require('DESCRIBE', 'GROUP', groupId);
    const g = listed(groupId);
    if (g === undefined) throw notFound(`Consumer group ${clip(groupId)}`);
    sendApi(ctx, 200, {
      group: groupId, type: g.type, state: g.state, protocol_type: g.protocolType, members: members(groupId),
      offsets: lags(b, groupId, ctx.access).map((l) => ({ topic: l.topic, partition: l.partition, committed_offset: l.committed, end_offset: l.end, lag: l.lag })),
    });
  });

  const members = (groupId: string): Member[] => {
    const g = b.groups.groups.get(groupId);
    if (g === undefined) return [];
    const list = (tp: Map<string, number[]>) => [...tp].map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((x, y) => x - y) }));
    if (g.kind === 'consumer') {
      return [...g.members.values()].map((m) => ({ member_id: m.memberId, client_id: m.clientId, host: m.clientHost, assignment: list(g.assignedOf(m)) }));
    }
    const described = b.groups.describeGroups([groupId])[0]!;
    return described.members.map((m) => {
      let assignment: Member['assignment'] = [];
      if (described.protocolType === 'consumer' && m.assignment.length > 0) {
        try {
          assignment = list(topicPartitionMap(decodeConsumerAssignment(m.assignment).assignedPartitions));
        } catch (err) {
          if (!(err instanceof ProtocolDecodeError)) throw err;
          assignment = []; // an assignment the leader wrote in another protocol: shown as none
        }
      }
      return { member_id: m.memberId, client_id: m.clientId, host: m.clientHost, assignment };
    });
  };

  router.add('POST', '/console/api/groups/:group/offsets', async (ctx) => {
    const groupId = ctx.params['group']!;
    const body = await jsonBody(ctx, d.bodyBytesMax);
    // A group that does not exist yet gets the offsets and exists from then on (kafka-consumer-groups
    // --reset-offsets does the same): offsets can be staged before the consumers first start.
    if (groupId === '' || groupId.length > GROUP_ID_CHARS_MAX) throw unprocessable(`A group id is 1 to ${GROUP_ID_CHARS_MAX} characters.`);
    const topicName = body['topic'];
    if (typeof topicName !== 'string') throw unprocessable('topic must be a string.');
    ctx.access.require('READ', 'GROUP', groupId);
    ctx.access.require('READ', 'TOPIC', topicName);
    const topic = b.store.topic(topicName);
    if (topic === undefined) throw topicNotFound(topicName);
    const to = body['to'];
    if (to !== 'earliest' && to !== 'latest' && to !== 'offset' && to !== 'timestamp') throw unprocessable('to must be earliest, latest, offset or timestamp.');
    const value = to === 'offset' ? body['offset'] : to === 'timestamp' ? body['timestamp'] : 0;
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw unprocessable(`${to} must be a non-negative integer.`);
    const asked = body['partitions'] ?? null;
    if (asked !== null && (!Array.isArray(asked) || asked.length > RESET_PARTITIONS_MAX || !asked.every((p) => Number.isSafeInteger(p) && p >= 0 && p < topic.partitions))) {
      throw unprocessable(`partitions must be an array of partitions of ${topic.name} (0 to ${topic.partitions - 1}).`);
    }
    const partitions = asked === null ? Array.from({ length: Math.min(topic.partitions, RESET_PARTITIONS_MAX) }, (_, p) => p) : [...new Set(asked as number[])];
    const offsets = await mapChunked(partitions.length, (i) => {
      const p = partitions[i]!;
      const log = b.store.partition(topic.name, p);
      const start = log.logStartOffset;
      const end = log.highWatermark;
      const target = to === 'earliest' ? start : to === 'latest' ? end
        : to === 'offset' ? Math.min(Math.max(value as number, start), end)
          : log.offsetForTimestamp(value as number)?.offset ?? end;
      return { partition: p, offset: target };
    });
    if (b.store.topic(topic.name)?.id !== topic.id) throw topicNotFound(topic.name); // deleted (or recreated) while this yielded
    // Checked right before the commit (no await in between): the group is empty when it is written.
    const group = b.groups.groups.get(groupId);
    if (group !== undefined && group.members.size > 0) {
      throw new HttpError(409, `Consumer group ${clip(groupId)} has ${group.members.size} member(s) (state ${group.state}): offsets can be reset only when it is empty.`, 40901);
    }
    const result = await b.groups.commitOffsets({
      groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, version: 9,
      topics: [{ name: topic.name, partitions: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1, metadata: null })) }],
    });
    const errors = result.topics.flatMap((t) => t.partitions).filter((p) => p.error !== 'NONE');
    if (errors.length > 0) {
      const e = errors[0]!.error;
      if (e === 'COORDINATOR_NOT_AVAILABLE') throw new HttpError(503, 'The offsets could not be written; try again.', 503);
      if (e === 'UNKNOWN_TOPIC_OR_PARTITION') throw topicNotFound(topic.name);
      throw new HttpError(409, `Consumer group ${clip(groupId)} refused the reset: ${e}.`, 40901);
    }
    b.log.info({ groupId, topic: topic.name, to, partitions: offsets.length, via: 'console' }, 'reset group offsets');
    sendApi(ctx, 200, { group: groupId, topic: topic.name, offsets });
  });
}

// Admin: topics, configs, offsets and groups, each a request to the right broker (any broker, a
// partition leader, or a group's coordinator), retried on retriable errors.
import { randomBytes } from 'node:crypto';
import { SCRAM_CODE_OF, SCRAM_MECHANISM_CODES, saltedPassword, type ScramMechanism } from '../protocol/scram.js';
import { aclBindingToWire, aclFilterToWire, type AclBinding as ProtocolAclBinding, type AclFilter } from '../protocol/acl.js';
import { ApiKey, Cluster } from './cluster.js';
import { KafkaClientError, throwIfError } from './errors.js';
import { EARLIEST, LATEST, commitOffsets, fetchCommitted, listOffsets } from './offsets.js';
import type { ClientOptions } from './types.js';
import type {
  ClusterDescription, CommittedOffset, ConfigChanges, ConfigResource, ConfigResourceResult, DeletedRecords,
  DeleteRecordsPartition, GroupDescription, GroupListing,
  GroupMemberDescription, GroupPartitionLag, NewTopic, OffsetSpec, PartitionOffset, ProducerDescription, ResetTarget, TopicDescription,
  TransactionDescription, TransactionListing,
} from './admin-types.js';
import { ErrorCode, ProtocolDecodeError } from '../protocol/errors.js';
import { decodeConsumerAssignment, topicPartitionPairs } from '../protocol/consumer-protocol.js';

const TOPIC_ALREADY_EXISTS = ErrorCode.TOPIC_ALREADY_EXISTS;
const resourceTypes = { topic: 2, broker: 4 } as const;
const configOps = { set: 0, delete: 1, append: 2, subtract: 3 } as const;

function check(code: number, context: string, message?: string | null): void {
  if (code !== 0) throw new KafkaClientError(code, message ? `${context}: ${message}` : context);
}

/** Administers topics, configs, offsets and consumer groups. Every method throws a KafkaClientError on failure. */
export class Admin {
  private readonly cluster: Cluster;

  constructor(readonly options: ClientOptions) {
    this.cluster = new Cluster(options);
  }

  private async call(apiKey: number, body: object | ((v: number) => object), timeoutMs?: number): Promise<any> {
    return this.cluster.retry(async () => {
      const conn = await this.cluster.any();
      return (await conn.request(apiKey, body, timeoutMs === undefined ? {} : { timeoutMs })).body;
    });
  }

  /** Optional: every method connects when needed. */
  async connect(): Promise<void> {
    await this.cluster.retry(() => this.cluster.refreshMetadata([]));
  }

  /** Creates topics; `ignoreExisting` makes TOPIC_ALREADY_EXISTS a success. */
  async createTopics(topics: readonly NewTopic[], options: { ignoreExisting?: boolean; validateOnly?: boolean } = {}): Promise<void> {
    const body = await this.call(ApiKey.CreateTopics, {
      timeoutMs: 30_000, validateOnly: options.validateOnly ?? false,
      topics: topics.map((t) => ({
        name: t.topic, numPartitions: t.partitions ?? -1, replicationFactor: t.replicationFactor ?? -1, assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    for (const t of body.topics) {
      if (t.errorCode === TOPIC_ALREADY_EXISTS && options.ignoreExisting === true) continue;
      check(t.errorCode, `create topic ${t.name}`, t.errorMessage);
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    const body = await this.call(ApiKey.DeleteTopics, { topics: topics.map((name) => ({ name, topicId: '00000000-0000-0000-0000-000000000000' })), topicNames: [...topics], timeoutMs: 30_000 });
    for (const t of body.responses) check(t.errorCode, `delete topic ${t.name}`, t.errorMessage);
    for (const t of topics) this.cluster.topics.delete(t);
  }

  /** Topic names, sorted; internal topics only with `includeInternal`. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    await this.cluster.retry(() => this.cluster.refreshMetadata(null));
    return [...this.cluster.topics.values()].filter((t) => options.includeInternal === true || !t.internal).map((t) => t.name).sort();
  }

  /** Every topic when `topics` is omitted. */
  async describeTopics(topics?: readonly string[]): Promise<TopicDescription[]> {
    const errors = await this.cluster.retry(() => this.cluster.refreshMetadata(topics ?? null));
    for (const [name, code] of errors) check(code, `describe topic ${name}`);
    const names = topics ?? [...this.cluster.topics.keys()].sort();
    return names.map((name) => {
      const t = this.cluster.topics.get(name);
      if (t === undefined) throw new KafkaClientError(3, name);
      return { name, topicId: t.topicId, internal: t.internal, partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })) };
    });
  }

  /** Grows topics to `count` partitions in total. */
  async createPartitions(topics: ReadonlyArray<{ topic: string; count: number }>): Promise<void> {
    const body = await this.call(ApiKey.CreatePartitions, { topics: topics.map((t) => ({ name: t.topic, count: t.count, assignments: null })), timeoutMs: 30_000, validateOnly: false });
    for (const r of body.results) check(r.errorCode, `create partitions ${r.name}`, r.errorMessage);
    for (const t of topics) this.cluster.topics.delete(t.topic);
  }

  async describeConfigs(resources: readonly ConfigResource[]): Promise<ConfigResourceResult[]> {
    const body = await this.call(ApiKey.DescribeConfigs, {
      includeSynonyms: false, includeDocumentation: false,
      resources: resources.map((r) => ({ resourceType: resourceTypes[r.type], resourceName: r.name, configurationKeys: r.configNames ?? null })),
    });
    return body.results.map((r: any) => {
      check(r.errorCode, `describe configs ${r.resourceName}`, r.errorMessage);
      return {
        type: r.resourceType === resourceTypes.broker ? 'broker' : 'topic',
        name: r.resourceName,
        // v0 has isDefault; v1+ has configSource (5 = DEFAULT_CONFIG) and leaves isDefault at its default.
        configs: r.configs.map((c: any) => ({ name: c.name, value: c.value, readOnly: c.readOnly, isDefault: c.configSource === -1 ? c.isDefault : c.configSource === 5, isSensitive: c.isSensitive })),
      };
    });
  }

  /**
   * Changes configs incrementally (IncrementalAlterConfigs): only the named configs change, the rest
   * keep their values. Broker resources go to that broker. With `validateOnly` the broker checks the
   * changes without applying them. Throws on the first resource the broker refuses (e.g. INVALID_CONFIG).
   */
  async alterConfigs(resources: readonly ConfigChanges[], options: { validateOnly?: boolean } = {}): Promise<void> {
    const toWire = (r: ConfigChanges) => ({
      resourceType: resourceTypes[r.type], resourceName: r.name,
      configs: r.changes.map((c) => ({ name: c.name, configOperation: configOps[c.op ?? 'set'], value: 'value' in c ? c.value : null })),
    });
    const send = async (list: readonly ConfigChanges[], nodeId?: number): Promise<void> => {
      const body = { resources: list.map(toWire), validateOnly: options.validateOnly ?? false };
      const res = nodeId === undefined
        ? await this.call(ApiKey.IncrementalAlterConfigs, body)
        : await this.cluster.retry(async () => (await (await this.cluster.node(nodeId)).request(ApiKey.IncrementalAlterConfigs, body)).body);
      for (const r of res.responses) check(r.errorCode, `alter configs ${r.resourceName}`, r.errorMessage);
    };
    const topics = resources.filter((r) => r.type === 'topic');
    if (topics.length > 0) await send(topics);
    for (const r of resources.filter((x) => x.type === 'broker')) {
      const id = Number(r.name);
      await send([r], r.name !== '' && Number.isInteger(id) ? id : undefined);
    }
  }

  /**
   * Deletes the records of `topic` below each given offset (DeleteRecords, sent to each partition's
   * leader): the partition's log start offset moves up and reads below it fail. Resolves with each
   * partition's new low watermark, by partition; throws if any partition is refused (e.g.
   * OFFSET_OUT_OF_RANGE for an offset above the high watermark).
   */
  async deleteRecords(topic: string, partitions: readonly DeleteRecordsPartition[]): Promise<DeletedRecords[]> {
    const info = await this.cluster.retry(() => this.cluster.topic(topic, { refresh: true }), { topic });
    const byLeader = new Map<number, DeleteRecordsPartition[]>();
    for (const p of partitions) {
      const leader = info.partitions[p.partition]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const out: DeletedRecords[] = [];
    await Promise.all([...byLeader.values()].map((ps) => this.cluster.retry(async () => {
      const conn = await this.cluster.leader(topic, ps[0]!.partition);
      const { body } = await conn.request(ApiKey.DeleteRecords, {
        timeoutMs: this.cluster.options.requestTimeoutMs,
        topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) }],
      });
      // Collected per attempt so a retried request adds each partition once.
      const done: DeletedRecords[] = [];
      for (const t of body.topics) {
        for (const p of t.partitions) {
          check(p.errorCode, `delete records ${topic}-${p.partitionIndex}`);
          done.push({ partition: p.partitionIndex, lowWatermark: p.lowWatermark });
        }
      }
      out.push(...done);
    }, { topic })));
    return out.sort((a, b) => a.partition - b.partition);
  }

  /** One offset per partition of `topic`, by partition. */
  async listOffsets(topic: string, spec: OffsetSpec = 'latest'): Promise<PartitionOffset[]> {
    const info = await this.cluster.retry(() => this.cluster.topic(topic, { refresh: true }), { topic });
    const ts = spec === 'earliest' ? EARLIEST : spec === 'latest' ? LATEST : BigInt(spec.timestamp);
    const offsets = await listOffsets(this.cluster, topic, info.partitions.map((p) => p.partition), ts);
    return [...offsets].map(([partition, o]) => ({ partition, offset: o.offset, timestamp: o.timestamp })).sort((a, b) => a.partition - b.partition);
  }

  /** The group's committed offsets, for the given topics or every topic it committed for. */
  async fetchCommittedOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffset[]> {
    let request: { name: string; partitions: number[] }[] | null = null;
    if (topics !== undefined) {
      request = [];
      for (const t of topics) {
        const info = await this.cluster.retry(() => this.cluster.topic(t), { topic: t });
        request.push({ name: t, partitions: info.partitions.map((p) => p.partition) });
      }
    }
    const out = await fetchCommitted(this.cluster, groupId, request);
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * Moves the group's committed offsets of `topic` (all partitions, or `partitions`) to `to`. The group
   * must have no active members. Resolves with the offsets committed.
   */
  async resetOffsets(groupId: string, topic: string, to: ResetTarget, partitions?: readonly number[]): Promise<CommittedOffset[]> {
    const info = await this.cluster.retry(() => this.cluster.topic(topic, { refresh: true }), { topic });
    const ps = partitions ?? info.partitions.map((p) => p.partition);
    let offsets: Map<number, bigint>;
    if (typeof to === 'object' && 'offset' in to) {
      offsets = new Map(ps.map((p) => [p, to.offset]));
    } else {
      const ts = to === 'earliest' ? EARLIEST : to === 'latest' ? LATEST : BigInt(to.timestamp);
      const listed = await listOffsets(this.cluster, topic, ps, ts);
      const latest = ts >= 0n ? await listOffsets(this.cluster, topic, ps, LATEST) : undefined;
      offsets = new Map(ps.map((p) => {
        const o = listed.get(p)?.offset ?? -1n;
        return [p, o >= 0n ? o : latest?.get(p)?.offset ?? 0n]; // no record at/after the timestamp: the end
      }));
    }
    const list = [...offsets].map(([partition, offset]) => ({ topic, partition, offset }));
    await commitOffsets(this.cluster, groupId, { memberId: '', generation: -1 }, list);
    return list.map((o) => ({ ...o, metadata: null }));
  }

  /** Transactional ids known to the cluster, optionally only those in the given states. */
  async listTransactions(states: readonly string[] = []): Promise<TransactionListing[]> {
    const body = await this.call(ApiKey.ListTransactions, { stateFilters: states, producerIdFilters: [], durationFilter: -1n });
    check(body.errorCode, 'ListTransactions');
    return body.transactionStates.map((t: any) => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState }))
      .sort((a: TransactionListing, b: TransactionListing) => a.transactionalId.localeCompare(b.transactionalId));
  }

  /** State, producer, timeout and partitions of each transactional id, asked of its transaction coordinator. */
  async describeTransactions(transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
    const out: TransactionDescription[] = [];
    for (const id of transactionalIds) {
      const body = await this.cluster.retry(async () => (await (await this.cluster.coordinator(id, 1)).request(ApiKey.DescribeTransactions, { transactionalIds: [id] })).body);
      const t = body.transactionStates[0];
      check(t.errorCode, `DescribeTransactions ${id}`);
      out.push({
        transactionalId: id, producerId: t.producerId, producerEpoch: t.producerEpoch, state: t.transactionState,
        timeoutMs: t.transactionTimeoutMs, startTimeMs: Number(t.transactionStartTimeMs),
        partitions: t.topics.flatMap((x: any) => x.partitions.map((partition: number) => ({ topic: x.topic, partition }))),
      });
    }
    return out;
  }

  /** Active idempotent and transactional producers of a topic's partitions (all of them by default), asked of each leader. */
  async describeProducers(topic: string, partitions?: readonly number[]): Promise<ProducerDescription[]> {
    const info = await this.cluster.retry(() => this.cluster.topic(topic, { refresh: true }), { topic });
    const out: ProducerDescription[] = [];
    for (const partition of partitions ?? info.partitions.map((p) => p.partition)) {
      const body = await this.cluster.retry(async () => {
        const res = (await (await this.cluster.leader(topic, partition)).request(ApiKey.DescribeProducers, { topics: [{ name: topic, partitionIndexes: [partition] }] })).body;
        const p = res.topics[0]?.partitions[0];
        if (p === undefined) throw new KafkaClientError(-1, `DescribeProducers ${topic}-${partition}: no answer for the partition`);
        check(p.errorCode, `DescribeProducers ${topic}-${partition}`, p.errorMessage);
        return p;
      }, { topic });
      for (const a of body.activeProducers) {
        out.push({
          topic, partition, producerId: a.producerId, producerEpoch: a.producerEpoch, lastSequence: a.lastSequence,
          lastTimestamp: Number(a.lastTimestamp), coordinatorEpoch: a.coordinatorEpoch, currentTransactionStartOffset: a.currentTxnStartOffset,
        });
      }
    }
    return out;
  }

  async listGroups(): Promise<GroupListing[]> {
    const body = await this.call(ApiKey.ListGroups, { statesFilter: [], typesFilter: [] });
    check(body.errorCode, 'ListGroups');
    return body.groups.map((g: any) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.groupState ?? '', type: g.groupType ?? '' }))
      .sort((a: GroupListing, b: GroupListing) => a.groupId.localeCompare(b.groupId));
  }

  /** Members with their assignments, and committed offsets with lag. */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = [];
    for (const groupId of groupIds) {
      const base = (await this.describeConsumerGroup(groupId)) ?? (await this.describeClassicGroup(groupId));
      out.push({ ...base, offsets: await this.lag(groupId) });
    }
    return out;
  }

  /** KIP-848 groups through ConsumerGroupDescribe; undefined when the group is not one (or the API is missing). */
  private async describeConsumerGroup(groupId: string): Promise<Omit<GroupDescription, 'offsets'> | undefined> {
    const conn = await this.cluster.retry(() => this.cluster.coordinator(groupId), { groupId });
    if (!conn.supports(ApiKey.ConsumerGroupDescribe)) return undefined;
    const { body } = await conn.request(ApiKey.ConsumerGroupDescribe, { groupIds: [groupId], includeAuthorizedOperations: false });
    const g = body.groups[0];
    if (g === undefined || g.errorCode !== ErrorCode.NONE) return undefined;
    await this.cluster.refreshMetadata(null);
    const nameOf = (id: string, name: string): string => name || ([...this.cluster.topics.values()].find((t) => t.topicId === id)?.name ?? id);
    const members: GroupMemberDescription[] = g.members.map((m: any) => ({
      memberId: m.memberId, clientId: m.clientId, host: m.clientHost,
      assignment: m.assignment.topicPartitions.flatMap((tp: any) => tp.partitions.map((partition: number) => ({ topic: nameOf(tp.topicId, tp.topicName), partition }))),
    }));
    return { groupId, type: 'consumer', state: g.groupState, protocolType: 'consumer', protocol: g.assignorName, members };
  }

  private async describeClassicGroup(groupId: string): Promise<Omit<GroupDescription, 'offsets'>> {
    const body = await this.cluster.retry(async () => {
      const conn = await this.cluster.coordinator(groupId);
      return (await conn.request(ApiKey.DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false })).body;
    }, { groupId });
    const g = body.groups[0];
    check(g.errorCode, `describe group ${groupId}`);
    const members: GroupMemberDescription[] = g.members.map((m: any) => {
      let assignment: { topic: string; partition: number }[] = [];
      try {
        if (g.protocolType === 'consumer') assignment = topicPartitionPairs(decodeConsumerAssignment(m.memberAssignment).assignedPartitions);
      } catch (err) {
        if (!(err instanceof ProtocolDecodeError)) throw err;
        assignment = []; // a leader's assignment in some other format: shown as none
      }
      return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
    });
    return { groupId, type: 'classic', state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData, members };
  }

  private async lag(groupId: string): Promise<GroupPartitionLag[]> {
    const committed = await fetchCommitted(this.cluster, groupId, null);
    const out: GroupPartitionLag[] = [];
    const topics = [...new Set(committed.map((c) => c.topic))].sort();
    for (const topic of topics) {
      const mine = committed.filter((c) => c.topic === topic);
      const ps = mine.map((c) => c.partition);
      const ends = await listOffsets(this.cluster, topic, ps, LATEST);
      const starts = await listOffsets(this.cluster, topic, ps, EARLIEST);
      for (const c of mine.sort((a, b) => a.partition - b.partition)) {
        const end = ends.get(c.partition)?.offset ?? -1n;
        const from = c.offset >= 0n ? c.offset : starts.get(c.partition)?.offset ?? 0n;
        out.push({ topic, partition: c.partition, committed: c.offset, end, lag: end >= from ? end - from : 0n });
      }
    }
    return out;
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) {
      const body = await this.cluster.retry(async () => {
        const conn = await this.cluster.coordinator(groupId);
        return (await conn.request(ApiKey.DeleteGroups, { groupsNames: [groupId] })).body;
      }, { groupId });
      for (const r of body.results) check(r.errorCode, `delete group ${r.groupId}`);
    }
  }

  /**
   * Deletes a group's committed offsets for these partitions (OffsetDelete). Refused per partition with
   * GROUP_SUBSCRIBED_TO_TOPIC while a member of the group subscribes to the topic.
   */
  async deleteCommittedOffsets(groupId: string, topic: string, partitions: readonly number[]): Promise<void> {
    const body = await this.cluster.retry(async () => {
      const conn = await this.cluster.coordinator(groupId);
      return (await conn.request(ApiKey.OffsetDelete, { groupId, topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex })) }] })).body;
    }, { groupId });
    check(body.errorCode, `delete offsets of group ${groupId}`);
    for (const t of body.topics) for (const p of t.partitions) check(p.errorCode, `delete offsets of group ${groupId} on ${t.name}-${p.partitionIndex}`);
  }

  async describeCluster(): Promise<ClusterDescription> {
    await this.cluster.retry(() => this.cluster.refreshMetadata([]));
    return {
      clusterId: this.cluster.clusterId,
      controllerId: this.cluster.controllerId,
      brokers: [...this.cluster.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })).sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  // ---- security: SCRAM users and ACLs (the broker answers SECURITY_DISABLED for ACLs when it has no authorizer)

  /** Adds or replaces a SCRAM credential; the password is salted here and never sent. */
  async upsertScramUser(user: string, password: string, mechanism: ScramMechanismName = 'SCRAM-SHA-512', iterations = 4096): Promise<void> {
    const salt = randomBytes(32);
    const salted = saltedPassword(mechanism, password, salt, iterations);
    const body = await this.call(SECURITY_KEYS.alterScram, { deletions: [], upsertions: [{ name: user, mechanism: SCRAM_CODE_OF[mechanism], iterations, salt, saltedPassword: salted }] });
    for (const r of body.results) throwIfError(r.errorCode, r.errorMessage, `user ${r.user}`);
  }

  async deleteScramUser(user: string, mechanism: ScramMechanismName = 'SCRAM-SHA-512'): Promise<void> {
    const body = await this.call(SECURITY_KEYS.alterScram, { deletions: [{ name: user, mechanism: SCRAM_CODE_OF[mechanism] }], upsertions: [] });
    for (const r of body.results) throwIfError(r.errorCode, r.errorMessage, `user ${r.user}`);
  }

  /** Users with SCRAM credentials: per user the mechanisms and iteration counts (all users when `users` is omitted). */
  async describeScramUsers(users?: readonly string[]): Promise<{ user: string; mechanisms: { mechanism: ScramMechanismName; iterations: number }[] }[]> {
    const body = await this.call(SECURITY_KEYS.describeScram, { users: users === undefined ? null : users.map((name) => ({ name })) });
    throwIfError(body.errorCode, body.errorMessage);
    return body.results.map((r: any) => {
      throwIfError(r.errorCode, r.errorMessage, `user ${r.user}`);
      return { user: r.user, mechanisms: r.credentialInfos.map((c: any) => ({ mechanism: SCRAM_MECHANISM_CODES[c.mechanism] ?? 'SCRAM-SHA-512', iterations: c.iterations })) };
    });
  }

  /** Creates ACL bindings (wire codes: see AclBinding). */
  async createAcls(acls: readonly AclBinding[]): Promise<void> {
    const body = await this.call(SECURITY_KEYS.createAcls, { creations: acls.map(aclBindingToWire) });
    for (const r of body.results) throwIfError(r.errorCode, r.errorMessage, 'CreateAcls');
  }

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    const body = await this.call(SECURITY_KEYS.describeAcls, aclFilterToWire(filter));
    throwIfError(body.errorCode, body.errorMessage, 'DescribeAcls');
    return body.resources.flatMap((r: any) => r.acls.map((a: any) => ({
      resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType,
      principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType,
    })));
  }

  /** Deletes every binding the filter matches; returns them. */
  async deleteAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    const body = await this.call(SECURITY_KEYS.deleteAcls, { filters: [aclFilterToWire(filter)] });
    const r = body.filterResults[0];
    throwIfError(r.errorCode, r.errorMessage, 'DeleteAcls');
    return r.matchingAcls.map((a: any) => ({
      resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType,
      principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType,
    }));
  }

  /** Closes every connection. Idempotent. */
  async close(): Promise<void> {
    await this.cluster.close();
  }

  /** Same as `close`. */
  disconnect(): Promise<void> {
    return this.close();
  }
}

const SECURITY_KEYS = { describeAcls: ApiKey.DescribeAcls, createAcls: ApiKey.CreateAcls, deleteAcls: ApiKey.DeleteAcls, describeScram: ApiKey.DescribeUserScramCredentials, alterScram: ApiKey.AlterUserScramCredentials } as const;
export type ScramMechanismName = ScramMechanism;

/** An ACL binding in Kafka's wire codes (AclResourceType, AclPatternType, AclOperation, AclPermissionType). */
export type AclBinding = ProtocolAclBinding;
/** A filter: ANY for a code matches every value, null for a string every string, pattern MATCH every pattern that applies to the name. */
export type AclBindingFilter = AclFilter;

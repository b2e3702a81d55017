// Consumer: group membership (KIP-848 or classic) or manual assignment, fetch rounds, positions, commits.
import { Cluster } from './cluster.js';
import { ApiKey } from './cluster.js';
import { KafkaClientError, TopicAuthorizationError } from './errors.js';
import { fetchOnce, type FetchedPartition } from './fetcher.js';
import { ClassicMember, Kip848Member, type GroupMember } from './group-member.js';
import { EARLIEST, LATEST, commitOffsets, fetchCommitted, listOffsets } from './offsets.js';
import { bufferSerde, type Deserializer } from './serde.js';
import type { ConsumedBatch, ConsumedMessage, ConsumerOptions, RunOptions, TopicPartition, TopicPartitionOffset } from './types.js';
import { Waiter } from './waiter.js';
import { ErrorCode } from '../protocol/errors.js';

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to hand out; undefined until resolved from the committed offset or the reset policy. */
  position: bigint | undefined;
  paused: boolean;
  /** Position went out of range: apply autoOffsetReset, not the committed offset. */
  reset: boolean;
}

const OFFSET_OUT_OF_RANGE = ErrorCode.OFFSET_OUT_OF_RANGE;
const idOf = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/**
 * Reads messages from Kafka topics, alone (`assign`) or as a member of a group (`subscribe`).
 *
 * ```ts
 * const consumer = new Consumer({ bootstrap: 'localhost:9092', groupId: 'g', valueDeserializer: stringSerde });
 * await consumer.subscribe(['t']);
 * for await (const m of consumer) { console.log(m.value); }   // `break` stops iterating
 * await consumer.close();
 * ```
 * The consumer fetches only when the messages of the previous fetch are all handed out, so positions
 * (and auto-commits) follow what the application has actually received.
 */
export class Consumer<K = Buffer, V = Buffer> {
  private readonly cluster: Cluster;
  private readonly states = new Map<string, PartitionState>();
  private buffer: ConsumedMessage<K, V>[] = [];
  private subscription: string[] | RegExp | undefined;
  private regexTopics: { at: number; names: string[] } | undefined;
  private member: GroupMember | undefined;
  private fatal: Error | undefined;
  /** Topics the broker refused (metadata or Fetch), thrown by the next poll that has nothing to hand out. */
  private refused: TopicAuthorizationError | undefined;
  private readonly waiter = new Waiter();
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private readonly committed = new Map<string, bigint>();
  private closing: Promise<void> | undefined;
  private readonly keyDeserializer: Deserializer<K>;
  private readonly valueDeserializer: Deserializer<V>;

  constructor(readonly options: ConsumerOptions<K, V>) {
    this.cluster = new Cluster(options);
    this.keyDeserializer = options.keyDeserializer ?? (bufferSerde as unknown as Deserializer<K>);
    this.valueDeserializer = options.valueDeserializer ?? (bufferSerde as unknown as Deserializer<V>);
    if (options.assignor === 'cooperative-sticky') throw new TypeError('the cooperative-sticky assignor is not implemented yet; use "range"');
  }

  /** Connects and loads metadata. Optional: `subscribe`, `assign` and iteration connect when needed. */
  async connect(): Promise<void> {
    await this.cluster.retry(() => this.cluster.refreshMetadata([]));
  }

  /** Joins `groupId` for these topics (or every topic matching the RegExp); replaces an earlier subscription. */
  async subscribe(topics: string | readonly string[] | RegExp): Promise<void> {
    this.assertOpen();
    const groupId = this.options.groupId;
    if (groupId === undefined) throw new TypeError('subscribe needs a groupId');
    if (this.member === undefined && this.states.size > 0) throw new TypeError('the consumer uses assign(); subscribe and assign do not mix');
    this.subscription = topics instanceof RegExp ? topics : typeof topics === 'string' ? [topics] : [...topics];
    this.regexTopics = undefined;
    if (this.member !== undefined) {
      this.member.poke();
      return;
    }
    const protocol = this.options.groupProtocol ?? 'auto';
    const conn = await this.cluster.retry(() => this.cluster.any());
    const kip848 = protocol === 'consumer' || (protocol === 'auto' && conn.supports(ApiKey.ConsumerGroupHeartbeat));
    const host = {
      cluster: this.cluster,
      groupId,
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 45_000,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs ?? 60_000,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 3000,
      subscribedTopics: () => this.subscribedTopics(),
      reconcile: (target: TopicPartition[]) => this.reconcile(target),
      onError: (err: Error) => {
        this.fatal ??= err;
        this.waiter.wake();
      },
    };
    this.member = kip848 ? new Kip848Member(host) : new ClassicMember(host);
    this.member.start();
    this.startAutoCommit();
  }

  private async subscribedTopics(): Promise<string[]> {
    const s = this.subscription;
    if (s === undefined) return [];
    if (!(s instanceof RegExp)) {
      const missing = s.filter((t) => !this.cluster.topics.has(t));
      if (missing.length > 0) {
        const errors = await this.cluster.refreshMetadata(missing);
        const refused = missing.filter((t) => errors.get(t) === ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        // As Java's consumer: the group goes on with the rest, and poll reports the refused topics.
        if (refused.length > 0) this.refuse(refused);
      }
      return [...s].sort();
    }
    if (this.regexTopics === undefined || Date.now() - this.regexTopics.at > 5000) {
      await this.cluster.refreshMetadata(null);
      const names = [...this.cluster.topics.values()].filter((t) => !t.internal && s.test(t.name)).map((t) => t.name).sort();
      this.regexTopics = { at: Date.now(), names };
    }
    return this.regexTopics.names;
  }

  /** Applies a group assignment: revoked partitions are committed and dropped, new ones added. */
  private async reconcile(target: TopicPartition[]): Promise<void> {
    const wanted = new Set(target.map(idOf));
    const revoked = [...this.states.values()].filter((s) => !wanted.has(idOf(s)));
    const added = target.filter((tp) => !this.states.has(idOf(tp)));
    if (revoked.length > 0) {
      if (this.options.autoCommit !== false) await this.commitStates(revoked).catch(() => undefined);
      for (const s of revoked) this.states.delete(idOf(s));
      this.buffer = this.buffer.filter((m) => wanted.has(idOf(m)));
      await this.options.rebalanceListener?.onPartitionsRevoked?.(revoked.map(({ topic, partition }) => ({ topic, partition })));
    }
    if (added.length > 0) {
      for (const tp of added) this.states.set(idOf(tp), { topic: tp.topic, partition: tp.partition, position: undefined, paused: false, reset: false });
      await this.options.rebalanceListener?.onPartitionsAssigned?.(added.map(({ topic, partition }) => ({ topic, partition })));
    }
    this.waiter.wake();
  }

  /**
   * Reads these partitions without a group. Offsets given here are start positions; others start at
   * the committed offset (with a `groupId`) or at `autoOffsetReset`.
   */
  assign(partitions: ReadonlyArray<TopicPartition | TopicPartitionOffset>): void {
    this.assertOpen();
    if (this.member !== undefined) throw new TypeError('the consumer uses subscribe(); subscribe and assign do not mix');
    this.states.clear();
    this.buffer = [];
    for (const p of partitions) {
      const offset = 'offset' in p ? p.offset : undefined;
      this.states.set(idOf(p), { topic: p.topic, partition: p.partition, position: offset, paused: false, reset: false });
    }
    if (this.options.groupId !== undefined) this.startAutoCommit();
    this.waiter.wake();
  }

  /** The partitions this consumer currently reads. */
  assignment(): TopicPartition[] {
    return [...this.states.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Next offset to be read from a partition, if known. */
  position(partition: TopicPartition): bigint | undefined {
    return this.states.get(idOf(partition))?.position;
  }

  /** Moves a partition's position; the next message read from it has this offset. */
  seek(position: TopicPartitionOffset): void {
    const s = this.states.get(idOf(position));
    if (s === undefined) throw new KafkaClientError(3, `${position.topic}-${position.partition} is not assigned`, { retriable: false });
    s.position = position.offset;
    s.reset = false;
    this.buffer = this.buffer.filter((m) => idOf(m) !== idOf(position));
    this.waiter.wake();
  }

  /** Stops fetching these partitions until `resume`; they stay assigned. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) {
      const s = this.states.get(idOf(p));
      if (s !== undefined) s.paused = true;
    }
    const paused = new Set(partitions.map(idOf));
    this.buffer = this.buffer.filter((m) => !paused.has(idOf(m)));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) {
      const s = this.states.get(idOf(p));
      if (s !== undefined) s.paused = false;
    }
    this.waiter.wake();
  }

  paused(): TopicPartition[] {
    return [...this.states.values()].filter((s) => s.paused).map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Commits offsets for the group: the given ones (offset = the next message to read), or, without
   * arguments, the position after every message handed out so far.
   */
  async commit(offsets?: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets !== undefined) {
      await this.commitList(offsets);
      return;
    }
    await this.commitStates([...this.states.values()]);
  }

  private async commitStates(states: readonly PartitionState[]): Promise<void> {
    const list = states
      .filter((s) => s.position !== undefined && this.committed.get(idOf(s)) !== s.position)
      .map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! }));
    await this.commitList(list);
  }

  private async commitList(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const groupId = this.options.groupId;
    if (groupId === undefined) throw new TypeError('commit needs a groupId');
    if (offsets.length === 0) return;
    const identity = this.member?.identity ?? { memberId: '', generation: -1 };
    await commitOffsets(this.cluster, groupId, identity, offsets, 2);
    for (const o of offsets) this.committed.set(idOf(o), o.offset);
  }

  private startAutoCommit(): void {
    if (this.options.autoCommit === false || this.autoCommitTimer !== undefined) return;
    this.autoCommitTimer = setInterval(() => {
      this.commit().catch(() => undefined);
    }, this.options.autoCommitIntervalMs ?? 5000);
    this.autoCommitTimer.unref();
  }

  /** Fills in positions: committed offset first (with a group), else the reset policy. */
  private async resolvePositions(): Promise<void> {
    const missing = [...this.states.values()].filter((s) => s.position === undefined);
    if (missing.length === 0) return;
    const groupId = this.options.groupId;
    const needReset = missing.filter((s) => s.reset || groupId === undefined);
    const needCommitted = missing.filter((s) => !s.reset && groupId !== undefined);
    if (needCommitted.length > 0) {
      const byTopic = new Map<string, number[]>();
      for (const s of needCommitted) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s.partition]);
      const committed = await fetchCommitted(this.cluster, groupId!, [...byTopic].map(([name, partitions]) => ({ name, partitions })));
      for (const s of needCommitted) {
        const c = committed.find((x) => x.topic === s.topic && x.partition === s.partition);
        if (c !== undefined && c.offset >= 0n) {
          s.position = c.offset;
          this.committed.set(idOf(s), c.offset);
        } else needReset.push(s);
      }
    }
    const spec = this.options.autoOffsetReset === 'earliest' ? EARLIEST : LATEST;
    const byTopic = new Map<string, PartitionState[]>();
    for (const s of needReset) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
    for (const [topic, ss] of byTopic) {
      const offsets = await listOffsets(this.cluster, topic, ss.map((s) => s.partition), spec);
      for (const s of ss) {
        const o = offsets.get(s.partition);
        if (o !== undefined && this.states.get(idOf(s)) === s && s.position === undefined) {
          s.position = o.offset;
          s.reset = false;
        }
      }
    }
  }

  private refuse(topics: Iterable<string>): void {
    this.refused = new TopicAuthorizationError([...(this.refused?.topics ?? []), ...topics]);
    this.waiter.wake();
  }

  /** One fetch round; returns the batches to hand out. */
  private async poll(): Promise<ConsumedBatch<K, V>[]> {
    if (this.fatal !== undefined) throw this.fatal;
    const refused = this.refused;
    if (refused !== undefined) {
      // Thrown once, as Java's poll does: a later poll tries again (an ACL may have been added).
      this.refused = undefined;
      throw refused;
    }
    try {
      await this.resolvePositions();
    } catch (err) {
      if (!(err instanceof KafkaClientError) || !err.retriable) throw err;
      this.cluster.invalidate(err.code);
      await this.waiter.sleep(this.cluster.backoffMs(1));
      return [];
    }
    const targets = [...this.states.values()].filter((s) => !s.paused && s.position !== undefined);
    if (targets.length === 0) {
      await this.waiter.sleep(100);
      return [];
    }
    let fetched: FetchedPartition[];
    try {
      fetched = await fetchOnce(this.cluster, targets.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! })), {
        maxWaitMs: this.options.maxWaitMs ?? 500,
        minBytes: this.options.minBytes ?? 1,
        maxBytes: this.options.maxBytes ?? 52_428_800,
        partitionMaxBytes: this.options.partitionMaxBytes ?? 1_048_576,
        isolationLevel: this.options.isolationLevel === 'read_committed' ? 1 : 0,
      });
    } catch (err) {
      // A broker that went away (restart, leader move) is retried for as long as the consumer runs.
      if (!(err instanceof KafkaClientError) || !err.retriable) throw err;
      this.cluster.invalidate(err.code);
      await this.waiter.sleep(this.cluster.backoffMs(2));
      return [];
    }
    const batches: ConsumedBatch<K, V>[] = [];
    const refusedTopics: string[] = [];
    let failed = false;
    for (const f of fetched) {
      const s = this.states.get(idOf(f));
      if (s === undefined || s.position !== f.fetchOffset || s.paused) continue; // revoked, seeked or paused meanwhile
      if (f.errorCode === OFFSET_OUT_OF_RANGE) {
        s.position = undefined;
        s.reset = true;
        continue;
      }
      if (f.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED) {
        refusedTopics.push(f.topic);
        continue;
      }
      if (f.errorCode !== ErrorCode.NONE) {
        this.cluster.invalidate(f.errorCode, f.topic);
        failed = true;
        continue;
      }
      if (f.records.length === 0) {
        if (f.nextOffset > s.position) s.position = f.nextOffset; // only control batches
        continue;
      }
      batches.push(this.toBatch(f));
    }
    if (refusedTopics.length > 0) {
      // Not retriable: reported now, or after the records fetched alongside are handed out.
      const err = new TopicAuthorizationError(refusedTopics);
      if (batches.length === 0) throw err;
      this.refuse(err.topics);
      return batches;
    }
    if (failed && batches.length === 0) await this.waiter.sleep(this.cluster.backoffMs(0));
    return batches;
  }

  private toBatch(f: FetchedPartition): ConsumedBatch<K, V> {
    return {
      topic: f.topic,
      partition: f.partition,
      highWatermark: f.highWatermark,
      messages: f.records.map((r) => ({
        topic: f.topic,
        partition: f.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key === null ? null : this.keyDeserializer.deserialize(r.key),
        value: r.value === null ? null : this.valueDeserializer.deserialize(r.value),
        headers: r.headers,
      })),
    };
  }

  /** A fetch round; failures caused by `close` (requests cut off) end it quietly. */
  private async pollUnlessClosed(): Promise<ConsumedBatch<K, V>[]> {
    try {
      return await this.poll();
    } catch (err) {
      if (this.closing !== undefined) return [];
      throw err;
    }
  }

  /** Whether a message may still be handed out (its partition is assigned, not seeked past it). */
  private deliverable(m: { topic: string; partition: number; offset: bigint }): PartitionState | undefined {
    const s = this.states.get(idOf(m));
    return s !== undefined && !s.paused && s.position !== undefined && m.offset >= s.position ? s : undefined;
  }

  /**
   * Consumes with a handler until `close`; resolves then, rejects on a fatal error or when a handler
   * throws. A message or batch counts as consumed (for commits) once its handler resolves.
   */
  async run(handlers: RunOptions<K, V>): Promise<void> {
    if (handlers.eachBatch === undefined && handlers.eachMessage === undefined) throw new TypeError('run needs eachMessage or eachBatch');
    while (this.closing === undefined) {
      const batches = await this.pollUnlessClosed();
      for (const batch of batches) {
        if (this.closing !== undefined) return;
        if (handlers.eachBatch !== undefined) {
          const s = this.deliverable(batch.messages[0]!);
          if (s === undefined) continue;
          await handlers.eachBatch(batch);
          s.position = batch.messages[batch.messages.length - 1]!.offset + 1n;
          continue;
        }
        for (const m of batch.messages) {
          const s = this.deliverable(m);
          if (s === undefined || this.closing !== undefined) break;
          await handlers.eachMessage!(m);
          s.position = m.offset + 1n;
        }
      }
    }
  }

  /** Messages one by one; leaving the loop (`break`) stops iteration but keeps the consumer open. */
  [Symbol.asyncIterator](): AsyncIterator<ConsumedMessage<K, V>> {
    return {
      next: async (): Promise<IteratorResult<ConsumedMessage<K, V>>> => {
        while (this.closing === undefined) {
          const m = this.buffer.shift();
          if (m !== undefined) {
            const s = this.deliverable(m);
            if (s === undefined) continue;
            s.position = m.offset + 1n;
            return { done: false, value: m };
          }
          for (const b of await this.pollUnlessClosed()) this.buffer.push(...b.messages);
        }
        return { done: true, value: undefined };
      },
      return: async (): Promise<IteratorResult<ConsumedMessage<K, V>>> => ({ done: true, value: undefined }),
    };
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new KafkaClientError(-100, 'the consumer is closed', { retriable: false });
  }

  /** Commits (with auto-commit), leaves the group, closes every connection and timer. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.autoCommitTimer !== undefined) clearInterval(this.autoCommitTimer);
      this.waiter.wake();
      try {
        if (this.options.groupId !== undefined && this.options.autoCommit !== false) await this.commit().catch(() => undefined);
        await this.member?.stop();
      } finally {
        await this.cluster.close();
      }
    })();
    return this.closing;
  }

  /** Same as `close`. */
  disconnect(): Promise<void> {
    return this.close();
  }
}

/**
 * A test-side KIP-848 consumer over the wire (until our own client exists): ConsumerGroupHeartbeat v1
 * with a client-generated member id, reconciles like a real client (commits and drops revoked
 * partitions, then acknowledges by leaving them out of the next heartbeat), fetches its partitions
 * (Fetch v12) from the committed offset, and commits positions with OffsetCommit v9 + member epoch.
 */
import { randomUUID } from 'node:crypto';
import { WireClient } from '../../broker/wire-client.js';
import { keyValuesOfBatch } from '../../../src/protocol/records.js';
import { readBatchHeader, BATCH_HEADER_BYTES } from '../../../src/protocol/record-batch.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

export interface DriverEvent {
  p?: number;
  o?: number;
  v?: string;
  t: number;
  assigned?: number[];
  error?: number;
}

export interface DriverOptions {
  bootstrap: string;
  groupId: string;
  topic: string;
  assignor?: string;
  onEvent: (e: DriverEvent) => void;
}

export class Kip848Driver {
  readonly memberId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  epoch = 0;
  owned: number[] = [];
  topicId = '';
  heartbeatIntervalMs = 500;
  private readonly positions = new Map<number, number>();
  private stopped = false;
  lastError = 0;

  private constructor(private readonly client: WireClient, private readonly opts: DriverOptions) {}

  static async connect(opts: DriverOptions): Promise<Kip848Driver> {
    return new Kip848Driver(await WireClient.connect(opts.bootstrap), opts);
  }

  /** One heartbeat; returns the response (assignment applied). */
  async heartbeat(overrides: Record<string, unknown> = {}): Promise<any> {
    const joining = this.epoch === 0;
    const res = await this.client.request(ApiKey.ConsumerGroupHeartbeat, 1, {
      groupId: this.opts.groupId, memberId: this.memberId, memberEpoch: this.epoch,
      rebalanceTimeoutMs: joining ? 10_000 : -1,
      subscribedTopicNames: joining ? [this.opts.topic] : null,
      serverAssignor: joining ? (this.opts.assignor ?? null) : null,
      topicPartitions: joining ? [] : (this.topicId === '' ? [] : [{ topicId: this.topicId, partitions: this.owned }]),
      ...overrides,
    });
    this.lastError = res.errorCode;
    if (res.errorCode !== ErrorCode.NONE) {
      this.opts.onEvent({ t: Date.now(), error: res.errorCode });
      // FENCED / UNKNOWN: drop everything and rejoin, as a real client does.
      this.epoch = 0;
      this.owned = [];
      this.positions.clear();
      return res;
    }
    this.epoch = res.memberEpoch;
    this.heartbeatIntervalMs = res.heartbeatIntervalMs;
    if (res.assignment !== null) {
      const tp = res.assignment.topicPartitions as Array<{ topicId: string; partitions: number[] }>;
      const next = tp.flatMap((t: { topicId: string; partitions: number[] }) => { this.topicId = t.topicId; return t.partitions; }).sort((a: number, b: number) => a - b);
      const revoked = this.owned.filter((p) => !next.includes(p));
      if (revoked.length > 0) await this.commit(revoked);
      for (const p of revoked) this.positions.delete(p);
      const added = next.filter((p: number) => !this.owned.includes(p));
      if (added.length > 0) await this.loadPositions(added);
      if (revoked.length > 0 || added.length > 0) this.opts.onEvent({ t: Date.now(), assigned: next });
      this.owned = next;
    }
    return res;
  }

  private async loadPositions(partitions: number[]): Promise<void> {
    const res = await this.client.request(ApiKey.OffsetFetch, 9, { groups: [{ groupId: this.opts.groupId, memberId: this.memberId, memberEpoch: this.epoch, topics: [{ name: this.opts.topic, partitionIndexes: partitions }] }] });
    for (const t of res.groups[0]?.topics ?? []) for (const p of t.partitions) this.positions.set(p.partitionIndex, Math.max(0, Number(p.committedOffset)));
    for (const p of partitions) if (!this.positions.has(p)) this.positions.set(p, 0);
  }

  async commit(partitions: number[] = this.owned): Promise<void> {
    const parts = partitions.filter((p) => this.positions.has(p)).map((p) => ({ partitionIndex: p, committedOffset: BigInt(this.positions.get(p)!), committedLeaderEpoch: -1, committedMetadata: null }));
    if (parts.length === 0) return;
    await this.client.request(ApiKey.OffsetCommit, 9, { groupId: this.opts.groupId, generationIdOrMemberEpoch: this.epoch, memberId: this.memberId, groupInstanceId: null, topics: [{ name: this.opts.topic, partitions: parts }] });
  }

  async fetchOnce(): Promise<number> {
    if (this.owned.length === 0) return 0;
    const res = await this.client.request(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: this.opts.topic, partitions: this.owned.map((p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: BigInt(this.positions.get(p) ?? 0), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) }],
      forgottenTopicsData: [], rackId: '',
    });
    let n = 0;
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE || p.records === null || !this.owned.includes(p.partitionIndex)) continue;
        const buf: Buffer = p.records;
        for (let pos = 0; pos + BATCH_HEADER_BYTES <= buf.length;) {
          const h = readBatchHeader(buf, pos);
          if (pos + h.sizeBytes > buf.length) break;
          for (const r of keyValuesOfBatch(buf, pos)) {
            if (r.offset < (this.positions.get(p.partitionIndex) ?? 0)) continue;
            this.opts.onEvent({ p: p.partitionIndex, o: r.offset, v: r.value?.toString() ?? '', t: Date.now() });
            this.positions.set(p.partitionIndex, r.offset + 1);
            n++;
          }
          pos += h.sizeBytes;
        }
      }
    }
    return n;
  }

  /** Heartbeat on the interval, fetch in between, commit every 200 ms; until stop() or maxMs. */
  async run(maxMs: number): Promise<void> {
    const end = Date.now() + maxMs;
    let nextBeat = 0;
    let nextCommit = 0;
    while (!this.stopped && Date.now() < end) {
      const now = Date.now();
      if (now >= nextBeat) {
        await this.heartbeat();
        nextBeat = now + Math.min(this.heartbeatIntervalMs, 500);
      }
      await this.fetchOnce();
      if (now >= nextCommit) {
        await this.commit();
        nextCommit = now + 200;
      }
      if (this.owned.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
  }

  async leave(): Promise<void> {
    this.stopped = true;
    await this.client.request(ApiKey.ConsumerGroupHeartbeat, 1, { groupId: this.opts.groupId, memberId: this.memberId, memberEpoch: -1, topicPartitions: null });
  }

  close(): void {
    this.stopped = true;
    this.client.close();
  }
}

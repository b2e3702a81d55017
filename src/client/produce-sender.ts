// The producer's accumulator and sender (Java's RecordAccumulator + Sender). Messages collect in one
// open batch per partition; a closed batch waits in its partition's queue. Each pass takes the head
// batch of every partition that may send, groups them by leader, and sends one Produce request per
// leader (up to maxRequestBytes), at most maxInFlight requests per leader connection. A partition has
// one batch in flight at a time, so its order, and its idempotent sequence numbers, hold across retries.
import { buildCompressedBatch } from '../protocol/compression.js';
import type { RecordInput } from '../protocol/record-batch.js';
import { ATTR_TRANSACTIONAL } from '../protocol/txn-records.js';
import { ApiKey, type Cluster, type TopicInfo } from './cluster.js';
import { KafkaClientError, brokerError } from './errors.js';
import type { CompressionCodec, RecordMetadata } from './types.js';
import { ErrorCode } from '../protocol/errors.js';

export interface PendingMessage {
  record: RecordInput;
  timestamp: number;
  resolve: (m: RecordMetadata) => void;
  reject: (e: Error) => void;
}

export interface ProducerId {
  id: bigint;
  epoch: number;
}

export interface SenderOptions {
  acks: number;
  codec: CompressionCodec;
  lingerMs: number;
  batchBytes: number;
  ackTimeoutMs: number;
  maxRequestBytes: number;
  maxInFlight: number;
  /** Set for an idempotent producer: asks the cluster for a producer id (InitProducerId). */
  initProducerId?: () => Promise<ProducerId>;
  /** Set for a transactional producer: batches are transactional and Produce names the id. */
  transactionalId?: string;
  /** Awaited before a partition's batch is numbered (a transactional producer adds the partition to its transaction). */
  beforeBatch?: (topic: string, partition: number) => Promise<void>;
  /** Called when a partition's batch closes (sticky partitioning moves on). */
  onBatchClosed: (topic: string, partition: number) => void;
}

interface OpenBatch {
  messages: PendingMessage[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
}

interface ClosedBatch {
  messages: PendingMessage[];
  /** Estimated until built, then the built size. */
  bytes: number;
  /** Built once, on first send, and resent as is on retries (same sequence numbers). */
  records: Buffer | undefined;
  producerId: ProducerId | undefined;
  baseSequence: number;
  failures: number;
  retryAtMs: number;
  /** An attempt whose outcome is unknown (the request left, no answer): the broker may have it. */
  maybeWritten: boolean;
  settle: () => void;
  settled: Promise<void>;
}

/** One partition: its open batch, its closed batches in order, whether its head is in flight. */
interface PartitionState {
  topic: string;
  partition: number;
  open: OpenBatch | undefined;
  queue: ClosedBatch[];
  inFlight: boolean;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class ProduceSender {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly inFlightByLeader = new Map<number, number>();
  private readonly unsettled = new Set<Promise<void>>();
  /** Per partition: the next sequence number under the current producer id. */
  private readonly sequences = new Map<string, number>();
  private scheduled = false;
  private running = false;
  private rerun = false;
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private pid: Promise<ProducerId> | undefined;
  /** The producer id `pid` resolved to, once it has. */
  private pidNow: ProducerId | undefined;

  constructor(private readonly cluster: Cluster, private readonly o: SenderOptions) {}

  append(topic: string, partition: number, message: PendingMessage, bytes: number): void {
    const id = key(topic, partition);
    let p = this.partitions.get(id);
    if (p === undefined) {
      p = { topic, partition, open: undefined, queue: [], inFlight: false };
      this.partitions.set(id, p);
    }
    let open = p.open;
    if (open === undefined) {
      open = p.open = { messages: [], bytes: 0, timer: undefined };
      // lingerMs 0: the batch goes when the partition is idle (next pass) and grows while it is not.
      if (this.o.lingerMs > 0) open.timer = setTimeout(() => this.close(p), this.o.lingerMs);
    }
    open.messages.push(message);
    open.bytes += bytes;
    if (open.bytes >= this.o.batchBytes) this.close(p);
    else if (this.o.lingerMs <= 0) this.wake();
  }

  /** The idempotent producer's id: asked for once, and again after `failed` gave it up (or a failed ask). */
  producerId(init: () => Promise<ProducerId>): Promise<ProducerId> {
    const asking = this.pid ??= init().then((pid) => {
      if (this.pid === asking) this.pidNow = pid;
      return pid;
    }, (err: unknown) => {
      if (this.pid === asking) this.pid = undefined;
      throw err;
    });
    return asking;
  }

  /** Closes every open batch and waits until every batch is acknowledged or failed. */
  async flush(): Promise<void> {
    for (const p of this.partitions.values()) this.close(p);
    await Promise.all([...this.unsettled]);
  }

  /** Cancels the sender's timers (after a flush, nothing is left to send). */
  stop(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer.timer);
    this.retryTimer = undefined;
    for (const p of this.partitions.values()) if (p.open?.timer !== undefined) clearTimeout(p.open.timer);
  }

  private close(p: PartitionState): void {
    const open = p.open;
    if (open === undefined) return;
    p.open = undefined;
    if (open.timer !== undefined) clearTimeout(open.timer);
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => { settle = resolve; });
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    p.queue.push({
      messages: open.messages, bytes: open.bytes, records: undefined, producerId: undefined, baseSequence: -1,
      failures: 0, retryAtMs: 0, maybeWritten: false, settle, settled,
    });
    this.o.onBatchClosed(p.topic, p.partition);
    this.wake();
  }

  /** Runs a pass soon: after the current synchronous work, so batches closed meanwhile share it. */
  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private wakeAt(atMs: number): void {
    if (this.retryTimer !== undefined && this.retryTimer.at <= atMs) return;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, Math.max(0, atMs - Date.now()));
    this.retryTimer = { at: atMs, timer };
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.rerun = false;
        await this.pass();
      } while (this.rerun);
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<void> {
    const now = Date.now();
    const due: PartitionState[] = [];
    let nextRetryAtMs = Infinity;
    for (const p of this.partitions.values()) {
      if (p.inFlight) continue;
      if (p.queue.length === 0 && this.o.lingerMs <= 0) this.close(p);
      const head = p.queue[0];
      if (head === undefined) continue;
      if (head.retryAtMs > now) nextRetryAtMs = Math.min(nextRetryAtMs, head.retryAtMs);
      else due.push(p);
    }
    if (nextRetryAtMs !== Infinity) this.wakeAt(nextRetryAtMs);
    if (due.length === 0) return;

    const byLeader = new Map<number, PartitionState[]>();
    const topics = new Map<string, Promise<TopicInfo>>();
    for (const p of due) {
      try {
        const leader = await this.leaderOf(p, topics);
        const list = byLeader.get(leader);
        if (list === undefined) byLeader.set(leader, [p]);
        else list.push(p);
      } catch (err) {
        this.failed(p, p.queue[0]!, err);
      }
    }
    this.rideAlong(byLeader);

    const building: Promise<void>[] = [];
    for (const list of byLeader.values()) for (const p of list) building.push(this.build(p, p.queue[0]!));
    await Promise.all(building);

    for (const [leader, list] of byLeader) {
      const ready = list.filter((p) => p.queue[0]?.records !== undefined && !p.inFlight);
      let i = 0;
      while (i < ready.length && (this.inFlightByLeader.get(leader) ?? 0) < this.o.maxInFlight) {
        const picked: PartitionState[] = [];
        let bytes = 0;
        // A batch larger than maxRequestBytes still goes, alone.
        while (i < ready.length && (picked.length === 0 || bytes + ready[i]!.queue[0]!.bytes <= this.o.maxRequestBytes)) {
          bytes += ready[i]!.queue[0]!.bytes;
          picked.push(ready[i++]!);
        }
        for (const p of picked) p.inFlight = true;
        this.inFlightByLeader.set(leader, (this.inFlightByLeader.get(leader) ?? 0) + 1);
        void this.sendRequest(leader, picked);
      }
    }
  }

  /**
   * As Java's drain does: a request is going to this leader anyway, so the open batches of its other
   * idle partitions close early and ride along instead of waiting out their linger in a request of their own.
   */
  private rideAlong(byLeader: Map<number, PartitionState[]>): void {
    for (const p of this.partitions.values()) {
      if (p.open === undefined || p.inFlight || p.queue.length > 0) continue;
      const leader = this.cluster.topics.get(p.topic)?.partitions[p.partition]?.leader;
      if (leader === undefined) continue;
      const list = byLeader.get(leader);
      if (list === undefined) continue;
      this.close(p);
      list.push(p);
    }
  }

  private async leaderOf(p: PartitionState, topics: Map<string, Promise<TopicInfo>>): Promise<number> {
    let t = topics.get(p.topic);
    if (t === undefined) {
      t = this.cluster.topic(p.topic, { autoCreate: true });
      topics.set(p.topic, t);
    }
    const info = (await t).partitions[p.partition];
    if (info === undefined || info.partition !== p.partition) throw new KafkaClientError(3, `${p.topic}-${p.partition}`);
    if (info.leader < 0) throw new KafkaClientError(5, `${p.topic}-${p.partition}`);
    return info.leader;
  }

  /** Builds the batch (once): its sequence numbers are taken now, when it is its partition's head. */
  private async build(p: PartitionState, batch: ClosedBatch): Promise<void> {
    if (batch.records !== undefined) return;
    try {
      const { messages } = batch;
      const baseTimestamp = messages[0]!.timestamp;
      // The records are the producer's own objects (made in `send`): set the delta in place, no copy per record.
      const records = messages.map((m) => {
        m.record.timestampDelta = m.timestamp - baseTimestamp;
        return m.record;
      });
      let producer = { producerId: -1, producerEpoch: -1, baseSequence: -1, attributes: 0 };
      if (this.o.beforeBatch !== undefined) await this.o.beforeBatch(p.topic, p.partition);
      if (this.o.initProducerId !== undefined) {
        let pid = await this.producerId(this.o.initProducerId);
        while (pid !== this.pidNow) pid = await this.producerId(this.o.initProducerId); // given up meanwhile
        const id = key(p.topic, p.partition);
        const seq = this.sequences.get(id) ?? 0;
        this.sequences.set(id, (seq + records.length) % 0x80000000);
        batch.producerId = pid;
        batch.baseSequence = seq;
        producer = { producerId: Number(pid.id), producerEpoch: pid.epoch, baseSequence: seq, attributes: this.o.transactionalId === undefined ? 0 : ATTR_TRANSACTIONAL };
      }
      batch.records = await buildCompressedBatch({ baseTimestamp, records, ...producer }, this.o.codec);
      batch.bytes = batch.records.length;
    } catch (err) {
      this.failed(p, batch, err);
    }
  }

  private async sendRequest(leader: number, picked: PartitionState[]): Promise<void> {
    let sent = false;
    try {
      const conn = await this.cluster.node(leader);
      const topicData = new Map<string, { name: string; partitionData: { index: number; records: Buffer }[] }>();
      for (const p of picked) {
        let t = topicData.get(p.topic);
        if (t === undefined) topicData.set(p.topic, t = { name: p.topic, partitionData: [] });
        t.partitionData.push({ index: p.partition, records: p.queue[0]!.records! });
      }
      const request = { transactionalId: this.o.transactionalId ?? null, acks: this.o.acks, timeoutMs: this.o.ackTimeoutMs, topicData: [...topicData.values()] };
      sent = true;
      if (this.o.acks === 0) {
        await conn.request(ApiKey.Produce, request, { noResponse: true });
        for (const p of picked) this.succeeded(p, -1n, -1n);
        return;
      }
      const { body } = await conn.request(ApiKey.Produce, request, { timeoutMs: this.cluster.options.requestTimeoutMs + this.o.ackTimeoutMs });
      const answers = new Map<string, any>();
      for (const t of body.responses ?? []) for (const x of t.partitionResponses ?? []) answers.set(key(t.name, x.index), x);
      for (const p of picked) {
        const a = answers.get(key(p.topic, p.partition));
        if (a === undefined) this.failed(p, p.queue[0]!, new KafkaClientError(-1, `no produce answer for ${p.topic}-${p.partition}`));
        else if (a.errorCode !== ErrorCode.NONE) this.failed(p, p.queue[0]!, brokerError(a.errorCode, `${p.topic}-${p.partition}${a.errorMessage ? `: ${a.errorMessage}` : ''}`, { topics: [p.topic] }));
        else this.succeeded(p, a.baseOffset as bigint, (a.logAppendTimeMs ?? -1n) as bigint);
      }
    } catch (err) {
      for (const p of picked) {
        const head = p.queue[0]!;
        if (sent) head.maybeWritten = true;
        this.failed(p, head, err);
      }
    } finally {
      this.inFlightByLeader.set(leader, this.inFlightByLeader.get(leader)! - 1);
      this.wake();
    }
  }

  private succeeded(p: PartitionState, baseOffset: bigint, logAppendTimeMs: bigint): void {
    const batch = p.queue.shift()!;
    p.inFlight = false;
    const logAppend = logAppendTimeMs >= 0n ? Number(logAppendTimeMs) : undefined;
    batch.messages.forEach((m, i) => m.resolve({
      topic: p.topic,
      partition: p.partition,
      offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
      timestamp: logAppend ?? m.timestamp,
    }));
    this.settled(p, batch);
  }

  /** A retriable failure waits out its backoff at the head of its partition; any other rejects the batch. */
  private failed(p: PartitionState, batch: ClosedBatch, cause: unknown): void {
    p.inFlight = false;
    const err = cause instanceof KafkaClientError ? cause : new KafkaClientError(-1, String(cause), { cause, retriable: false });
    if (err.retriable && batch.failures < this.cluster.options.retries && !this.cluster.isClosed) {
      this.cluster.invalidate(err.code, p.topic);
      batch.retryAtMs = Date.now() + this.cluster.backoffMs(batch.failures);
      batch.failures++;
      this.wakeAt(batch.retryAtMs);
      return;
    }
    if (p.queue[0] !== batch) throw new Error('assertion: only a partition head batch fails');
    p.queue.shift();
    if (batch.producerId !== undefined) {
      // The next batch must carry the sequence the broker expects: this one's, if the broker surely
      // never wrote it; if it may have, no sequence is surely right, so start over with a new producer id.
      if (batch.producerId !== this.pidNow) {
        // Numbered under a producer id given up since: the next batch gets a fresh number anyway.
      } else if (batch.maybeWritten) {
        this.sequences.clear();
        this.pid = undefined;
        this.pidNow = undefined;
      } else {
        this.sequences.set(key(p.topic, p.partition), batch.baseSequence);
      }
    }
    for (const m of batch.messages) m.reject(err);
    this.settled(p, batch);
  }

  private settled(p: PartitionState, batch: ClosedBatch): void {
    batch.settle();
    if (p.queue.length === 0 && p.open === undefined && !p.inFlight) this.partitions.delete(key(p.topic, p.partition));
  }
}

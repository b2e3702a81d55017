/** `minikafka produce TOPIC`: one message per input line, from stdin or `--file`. */
import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { intOption, keyValues, option, UsageError } from './args.js';
import type { CommandSpec } from './command.js';
import { CliError } from './errors.js';
import { clientOptions } from './kafka.js';
import { emit, renderTable } from './output.js';
import { ProgressBar } from './progress.js';
import { Producer } from '../client/producer.js';
import type { Acks, CompressionCodec, ProducerMessage, RecordMetadata } from '../client/types.js';

const messagesPerSend = 500;
const sendsInFlightMax = 4;
const codecs: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export const produceCommand: CommandSpec = {
  path: ['produce'],
  summary: 'send one message per input line (stdin or --file)',
  synopsis: 'TOPIC',
  positionalMin: 1,
  options: [
    { name: 'file', arg: 'PATH', help: 'read lines from a file instead of stdin (a progress bar shows on a terminal)' },
    { name: 'key', arg: 'KEY', help: 'the key of every message' },
    { name: 'key-separator', arg: 'SEP', help: "split each line at the first SEP into key and value (no SEP: null key)" },
    { name: 'partition', arg: 'N', help: 'write to this partition (default: murmur2(key), or sticky for null keys)' },
    { name: 'headers', arg: 'k=v,...', help: 'headers of every message, repeatable' },
    { name: 'acks', arg: 'all|1|0', help: 'acknowledgement level (default all)' },
    { name: 'compression', arg: 'CODEC', help: `${codecs.join(', ')} (default none)` },
  ],
  client: true,
  notes: 'Empty lines are skipped. Example:\n  printf "user1:hello\\nuser2:bye\\n" | minikafka produce chat --key-separator :',
  async run(args) {
    const topic = args.positional[0]!;
    const file = option(args, 'file');
    const fixedKey = option(args, 'key');
    const separator = option(args, 'key-separator');
    if (fixedKey !== undefined && separator !== undefined) throw new UsageError('produce: --key and --key-separator exclude each other');
    if (separator === '') throw new UsageError('produce: --key-separator must not be empty');
    const partition = intOption(args, 'partition', 0);
    const headers = Object.fromEntries(keyValues(args.options.get('headers') ?? [], 'headers', true));
    const acks = parseAcks(option(args, 'acks') ?? 'all');
    const compression = option(args, 'compression') ?? 'none';
    if (!codecs.includes(compression as CompressionCodec)) throw new UsageError(`produce: --compression must be one of ${codecs.join(', ')}`);

    // Imported here, not at the top: the bundle (scripts/bundle.ts) hoists top-level imports, and
    // `start` has no use for readline. Before the input opens, so no error of it goes unheard.
    const { createInterface } = await import('node:readline');
    const toMessage = lineParser(fixedKey, separator, headers, partition);
    const { input, totalBytes } = openInput(file);
    const progress = new ProgressBar(totalBytes);
    const producer = new Producer({ ...clientOptions(args), acks, compression: compression as CompressionCodec, lingerMs: 5 });
    const tally = new PartitionTally();
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    // Up to `sendsInFlightMax` sends at once: the producer batches them per partition.
    const send = async (messages: ProducerMessage<string, string>[]): Promise<void> => {
      const p = producer.send({ topic, messages }).then(
        (metas) => {
          tally.add(metas);
          progress.update(bytesRead(input), tally.total);
        },
        (err: unknown) => {
          failure ??= err;
        },
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      while (inFlight.size >= sendsInFlightMax) await Promise.race(inFlight);
    };

    try {
      let chunk: ProducerMessage<string, string>[] = [];
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        if (failure !== undefined) break;
        if (line === '') continue;
        chunk.push(toMessage(line));
        if (chunk.length >= messagesPerSend) {
          await send(chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0 && failure === undefined) await send(chunk);
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    } finally {
      progress.finish(bytesRead(input), tally.total);
      await producer.close().catch(() => undefined);
    }

    const sent = tally.total;
    const partitions = tally.summary();
    emit(args.json, { topic, count: sent, partitions }, () =>
      `produced ${sent} message${sent === 1 ? '' : 's'} to ${topic}\n` +
      (partitions.length > 0 ? renderTable(['partition', 'messages', 'first offset', 'last offset'], partitions.map((p) => [p.partition, p.count, p.firstOffset, p.lastOffset])) : ''),
    );
    return 0;
  },
};

function parseAcks(raw: string): Acks {
  if (raw === 'all' || raw === '-1') return -1;
  if (raw === '1') return 1;
  if (raw === '0') return 0;
  throw new UsageError(`produce: --acks must be all, 1 or 0, got '${raw}'`);
}

function bytesRead(input: NodeJS.ReadableStream | ReadStream): number {
  return 'bytesRead' in input && typeof input.bytesRead === 'number' ? input.bytesRead : 0;
}

function lineParser(
  fixedKey: string | undefined,
  separator: string | undefined,
  headers: Record<string, string>,
  partition: number | undefined,
): (line: string) => ProducerMessage<string, string> {
  return (line) => {
    const at = separator === undefined ? -1 : line.indexOf(separator);
    if (at < 0) return { key: fixedKey ?? null, value: line, headers, partition };
    return { key: line.slice(0, at), value: line.slice(at + separator!.length), headers, partition };
  };
}

function openInput(file: string | undefined): { input: NodeJS.ReadableStream; totalBytes: number } {
  if (file === undefined) return { input: process.stdin, totalBytes: 0 };
  try {
    return { input: createReadStream(file), totalBytes: statSync(file).size };
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Messages and offset range written per partition. */
class PartitionTally {
  total = 0;
  private readonly byPartition = new Map<number, { count: number; first: bigint; last: bigint }>();

  add(metas: RecordMetadata[]): void {
    for (const m of metas) {
      const c = this.byPartition.get(m.partition);
      if (c === undefined) this.byPartition.set(m.partition, { count: 1, first: m.offset, last: m.offset });
      else {
        c.count++;
        if (m.offset < c.first) c.first = m.offset;
        if (m.offset > c.last) c.last = m.offset;
      }
    }
    this.total += metas.length;
  }

  summary(): Array<{ partition: number; count: number; firstOffset: bigint; lastOffset: bigint }> {
    return [...this.byPartition.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, c]) => ({ partition, count: c.count, firstOffset: c.first, lastOffset: c.last }));
  }
}

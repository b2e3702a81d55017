/** `minikafka consume TOPIC`: print messages, as a group member (`--group`) or reading every partition. */
import { intOption, option, UsageError } from './args.js';
import type { CommandSpec } from './command.js';
import { clientOptions, withAdmin } from './kafka.js';
import { toJson } from './output.js';
import { compileFormat, formatTokenHelp, messageJson } from './format.js';
import { KafkaClientError } from '../client/errors.js';
import { Consumer } from '../client/consumer.js';
import type { ConsumedMessage } from '../client/types.js';

const UNKNOWN_TOPIC_OR_PARTITION = 3;

export const consumeCommand: CommandSpec = {
  path: ['consume'],
  summary: 'print messages of a topic',
  synopsis: 'TOPIC',
  positionalMin: 1,
  options: [
    { name: 'group', arg: 'G', help: 'consume as a member of group G (committed offsets; partitions shared with other members)' },
    { name: 'from-beginning', help: 'start at the earliest offset when there is no committed one (default: latest)' },
    { name: 'partition', arg: 'N', help: 'read only this partition (without --group)' },
    { name: 'max-messages', arg: 'N', help: 'exit after N messages' },
    { name: 'timeout-ms', arg: 'MS', help: 'exit when no message arrived for MS milliseconds' },
    { name: 'isolation-level', arg: 'L', help: "read_uncommitted (default) or read_committed: only records of committed transactions" },
    { name: 'format', arg: 'FMT', help: "output format, e.g. '%k:%v p=%p o=%o' (default '%v'; --json: one object per line)" },
  ],
  client: true,
  notes: formatTokenHelp + '\nStops on SIGINT/SIGTERM (committing with --group); exit code 0.',
  async run(args) {
    const topic = args.positional[0]!;
    const groupId = option(args, 'group');
    const onlyPartition = intOption(args, 'partition', 0);
    if (groupId !== undefined && onlyPartition !== undefined) throw new UsageError('--partition is for reading without --group');
    const maxMessages = intOption(args, 'max-messages', 1);
    const idleMs = intOption(args, 'timeout-ms', 1);
    const format = compileFormat(option(args, 'format') ?? '%v');
    const isolationLevel = option(args, 'isolation-level') ?? 'read_uncommitted';
    if (isolationLevel !== 'read_uncommitted' && isolationLevel !== 'read_committed') {
      throw new UsageError('--isolation-level is read_uncommitted or read_committed');
    }
    const render = args.json ? (m: ConsumedMessage<Buffer, Buffer>) => toJson(messageJson(m)) + '\n' : format;

    // Checking the topic first turns an unknown topic into an error, not an endless wait.
    const partitions = await withAdmin(args, async (admin) => {
      const [d] = await admin.describeTopics([topic]);
      if (d === undefined || d.partitions.length === 0) throw new KafkaClientError(UNKNOWN_TOPIC_OR_PARTITION, `topic '${topic}'`);
      return d.partitions.map((p) => p.partition).sort((a, b) => a - b);
    });
    if (onlyPartition !== undefined && !partitions.includes(onlyPartition)) {
      throw new KafkaClientError(UNKNOWN_TOPIC_OR_PARTITION, `topic '${topic}' has no partition ${onlyPartition}`);
    }

    const consumer = new Consumer<Buffer, Buffer>({
      ...clientOptions(args),
      groupId,
      autoOffsetReset: args.flags.has('from-beginning') ? 'earliest' : 'latest',
      isolationLevel,
    });
    let stopped = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    const stop = (): void => {
      stopped = true;
      wake?.();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') stop();
    });
    let count = 0;
    try {
      if (groupId !== undefined) await consumer.subscribe([topic]);
      else consumer.assign((onlyPartition === undefined ? partitions : [onlyPartition]).map((partition) => ({ topic, partition })));
      const it = consumer[Symbol.asyncIterator]();
      const stopSignal = new Promise<'stop'>((resolve) => {
        wake = () => resolve('stop');
      });
      while (!stopped && (maxMessages === undefined || count < maxMessages)) {
        const idle =
          idleMs === undefined
            ? undefined
            : new Promise<'idle'>((resolve) => {
                idleTimer = setTimeout(() => resolve('idle'), idleMs);
              });
        const next = await Promise.race([it.next(), stopSignal, ...(idle === undefined ? [] : [idle])]);
        clearTimeout(idleTimer);
        if (next === 'stop' || next === 'idle' || next.done === true) break;
        count++;
        if (!process.stdout.write(render(next.value))) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    } finally {
      clearTimeout(idleTimer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await consumer.close();
    }
    if (!args.json) process.stderr.write(`consumed ${count} message${count === 1 ? '' : 's'}\n`);
    return 0;
  },
};


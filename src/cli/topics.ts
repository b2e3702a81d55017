/** `minikafka topics list|create|describe|alter|delete`. */
import { UsageError, intOption, keyValues } from './args.js';
import type { CommandGroup, CommandSpec } from './command.js';
import { withAdmin } from './kafka.js';
import { emit, renderTable } from './output.js';
import { KafkaClientError } from '../client/errors.js';
import type { ConfigChange, TopicDescription } from '../client/admin-types.js';

const UNKNOWN_TOPIC_OR_PARTITION = 3;

const list: CommandSpec = {
  path: ['topics', 'list'],
  summary: 'list topics with their partition counts',
  options: [{ name: 'internal', help: 'include internal topics (__consumer_offsets)' }],
  client: true,
  async run(args) {
    const topics = await withAdmin(args, async (admin) => {
      const names = await admin.listTopics({ includeInternal: args.flags.has('internal') });
      return names.length === 0 ? [] : admin.describeTopics(names);
    });
    topics.sort((a, b) => a.name.localeCompare(b.name));
    const data = topics.map((t) => ({ name: t.name, partitions: t.partitions.length, internal: t.internal }));
    emit(args.json, data, () =>
      data.length === 0 ? '(no topics)\n' : renderTable(['topic', 'partitions'], data.map((t) => [t.name, t.partitions])),
    );
    return 0;
  },
};

const create: CommandSpec = {
  path: ['topics', 'create'],
  summary: 'create a topic',
  synopsis: 'TOPIC',
  positionalMin: 1,
  options: [
    { name: 'partitions', arg: 'N', help: "number of partitions (default: the broker's num.partitions)" },
    { name: 'replication-factor', arg: 'N', help: 'replicas per partition (a Kafka cluster; minikafka has 1)' },
    { name: 'config', arg: 'k=v', help: 'topic config, repeatable (e.g. --config retention.ms=60000)' },
    { name: 'if-not-exists', help: 'succeed if the topic already exists' },
  ],
  client: true,
  async run(args) {
    const topic = args.positional[0]!;
    const partitions = intOption(args, 'partitions', 1);
    const replicationFactor = intOption(args, 'replication-factor', 1);
    const configs = Object.fromEntries(keyValues(args.options.get('config') ?? [], 'config', false));
    const described = await withAdmin(args, async (admin) => {
      await admin.createTopics([{ topic, partitions, replicationFactor, configs }], { ignoreExisting: args.flags.has('if-not-exists') });
      return (await admin.describeTopics([topic]))[0];
    });
    const count = described?.partitions.length ?? partitions;
    emit(args.json, { topic, partitions: count, configs }, () => `created topic ${topic} (${count ?? '?'} partitions)\n`);
    return 0;
  },
};

const describe: CommandSpec = {
  path: ['topics', 'describe'],
  summary: 'partitions, leaders, offsets and configs of topics',
  synopsis: 'TOPIC...',
  positionalMin: 1,
  positionalMax: Number.MAX_SAFE_INTEGER,
  options: [],
  client: true,
  async run(args) {
    const names = args.positional;
    const result = await withAdmin(args, async (admin) => {
      const descriptions = await admin.describeTopics(names);
      const out = [];
      for (const name of names) {
        const d = descriptions.find((t) => t.name === name);
        if (d === undefined || d.partitions.length === 0) throw new KafkaClientError(UNKNOWN_TOPIC_OR_PARTITION, `topic '${name}'`);
        const [earliest, latest, configs] = await Promise.all([
          admin.listOffsets(name, 'earliest'),
          admin.listOffsets(name, 'latest'),
          admin.describeConfigs([{ type: 'topic', name }]),
        ]);
        out.push(topicDetail(d, earliest, latest, configs[0]?.configs ?? []));
      }
      return out;
    });
    emit(args.json, result, () => result.map(renderTopic).join('\n'));
    return 0;
  },
};

interface TopicDetail {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[]; earliest: bigint | null; latest: bigint | null }>;
  configs: Record<string, string | null>;
}

function topicDetail(
  d: TopicDescription,
  earliest: Array<{ partition: number; offset: bigint }>,
  latest: Array<{ partition: number; offset: bigint }>,
  configs: Array<{ name: string; value: string | null; isDefault: boolean }>,
): TopicDetail {
  return {
    name: d.name,
    topicId: d.topicId,
    internal: d.internal,
    partitions: [...d.partitions]
      .sort((a, b) => a.partition - b.partition)
      .map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        earliest: earliest.find((o) => o.partition === p.partition)?.offset ?? null,
        latest: latest.find((o) => o.partition === p.partition)?.offset ?? null,
      })),
    configs: Object.fromEntries(configs.filter((c) => !c.isDefault).map((c) => [c.name, c.value])),
  };
}

function renderTopic(t: TopicDetail): string {
  const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v ?? ''}`);
  const head = `Topic: ${t.name}  id: ${t.topicId}  partitions: ${t.partitions.length}\n${configs.length > 0 ? `Configs: ${configs.join(', ')}\n` : ''}`;
  const rows = t.partitions.map((p) => [
    p.partition,
    p.leader,
    p.replicas.join(','),
    p.isr.join(','),
    p.earliest,
    p.latest,
    p.earliest === null || p.latest === null ? null : p.latest - p.earliest,
  ]);
  return head + renderTable(['partition', 'leader', 'replicas', 'isr', 'earliest', 'latest', 'messages'], rows);
}

const alter: CommandSpec = {
  path: ['topics', 'alter'],
  summary: "change a topic's configs (only those named; the rest keep their values)",
  synopsis: 'TOPIC',
  positionalMin: 1,
  options: [
    { name: 'config', arg: 'k=v', help: 'set a topic config, repeatable (e.g. --config retention.ms=60000)' },
    { name: 'delete-config', arg: 'k', help: "remove an override so the broker's default applies, repeatable" },
    { name: 'validate-only', help: 'have the broker check the changes without applying them' },
  ],
  client: true,
  async run(args) {
    const topic = args.positional[0]!;
    const changes: ConfigChange[] = [
      ...keyValues(args.options.get('config') ?? [], 'config', false).map(([name, value]): ConfigChange => ({ name, value })),
      ...(args.options.get('delete-config') ?? []).map((name): ConfigChange => ({ name, op: 'delete' })),
    ];
    if (changes.length === 0) throw new UsageError('topics alter needs at least one --config k=v or --delete-config k');
    const validateOnly = args.flags.has('validate-only');
    await withAdmin(args, (admin) => admin.alterConfigs([{ type: 'topic', name: topic, changes }], { validateOnly }));
    const verb = validateOnly ? 'validated' : 'altered';
    emit(args.json, { topic, validateOnly, changes }, () => `${verb} configs of topic ${topic}: ${changes.map((c) => ('value' in c ? `${c.name}=${c.value}` : `-${c.name}`)).join(', ')}\n`);
    return 0;
  },
};

const remove: CommandSpec = {
  path: ['topics', 'delete'],
  summary: 'delete topics and their data',
  synopsis: 'TOPIC...',
  positionalMin: 1,
  positionalMax: Number.MAX_SAFE_INTEGER,
  options: [],
  client: true,
  async run(args) {
    await withAdmin(args, (admin) => admin.deleteTopics(args.positional));
    emit(args.json, { deleted: args.positional }, () => args.positional.map((t) => `deleted topic ${t}\n`).join(''));
    return 0;
  },
};

export const topicsGroup: CommandGroup = { name: 'topics', summary: 'list, create, describe, alter and delete topics', commands: [list, create, describe, alter, remove] };

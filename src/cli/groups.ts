/** `minikafka groups list|describe|delete`. */
import type { CommandGroup, CommandSpec } from './command.js';
import { withAdmin } from './kafka.js';
import { emit, renderTable } from './output.js';
import { KafkaClientError } from '../client/errors.js';
import type { GroupDescription } from '../client/admin-types.js';
import type { Admin } from '../client/admin.js';

const GROUP_ID_NOT_FOUND = 69;

const list: CommandSpec = {
  path: ['groups', 'list'],
  summary: 'list consumer groups',
  options: [],
  client: true,
  async run(args) {
    const groups = await withAdmin(args, (admin) => admin.listGroups());
    groups.sort((a, b) => a.groupId.localeCompare(b.groupId));
    emit(args.json, groups, () =>
      groups.length === 0 ? '(no groups)\n' : renderTable(['group', 'type', 'state', 'protocol type'], groups.map((g) => [g.groupId, g.type, g.state, g.protocolType])),
    );
    return 0;
  },
};

const describe: CommandSpec = {
  path: ['groups', 'describe'],
  summary: 'members, assignments, committed offsets and lag of groups',
  synopsis: 'GROUP...',
  positionalMin: 1,
  positionalMax: Number.MAX_SAFE_INTEGER,
  options: [],
  client: true,
  async run(args) {
    const groups = await withAdmin(args, async (admin) => {
      const described = await admin.describeGroups(args.positional);
      for (const id of args.positional) {
        const g = described.find((d) => d.groupId === id);
        // Kafka answers an unknown group with state Dead and no members, offsets or protocol.
        if (g === undefined || (g.state === 'Dead' && g.members.length === 0 && g.offsets.length === 0)) {
          throw new KafkaClientError(GROUP_ID_NOT_FOUND, `group '${id}'`);
        }
        await addUncommitted(admin, g);
      }
      return described;
    });
    emit(args.json, groups, () => groups.map(renderGroup).join('\n'));
    return 0;
  },
};

/** Assigned partitions with nothing committed yet get a row too (committed -1, lag from the earliest offset). */
async function addUncommitted(admin: Admin, g: GroupDescription): Promise<void> {
  const have = new Set(g.offsets.map((o) => `${o.topic}/${o.partition}`));
  const missing = g.members.flatMap((m) => m.assignment).filter((a) => !have.has(`${a.topic}/${a.partition}`));
  for (const topic of new Set(missing.map((a) => a.topic))) {
    const [earliest, latest] = await Promise.all([admin.listOffsets(topic, 'earliest'), admin.listOffsets(topic, 'latest')]);
    for (const a of missing.filter((m) => m.topic === topic)) {
      const end = latest.find((o) => o.partition === a.partition)?.offset ?? 0n;
      const start = earliest.find((o) => o.partition === a.partition)?.offset ?? 0n;
      g.offsets.push({ topic, partition: a.partition, committed: -1n, end, lag: end - start });
    }
  }
}

function renderGroup(g: GroupDescription): string {
  const owner = new Map<string, string>();
  for (const m of g.members) for (const a of m.assignment) owner.set(`${a.topic}/${a.partition}`, m.clientId === '' ? m.memberId : `${m.clientId} (${m.memberId.slice(0, 8)})`);
  let out = `Group: ${g.groupId}  type: ${g.type || '-'}  state: ${g.state}  protocol: ${g.protocol || '-'}  members: ${g.members.length}\n`;
  const offsets = [...g.offsets].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (offsets.length > 0) {
    out += renderTable(
      ['topic', 'partition', 'committed', 'end', 'lag', 'owner'],
      offsets.map((o) => [o.topic, o.partition, o.committed < 0n ? null : o.committed, o.end, o.lag, owner.get(`${o.topic}/${o.partition}`) ?? null]),
    );
  }
  if (g.members.length > 0) {
    out += renderTable(
      ['member', 'client', 'host', 'assignment'],
      g.members.map((m) => [m.memberId, m.clientId, m.host, m.assignment.map((a) => `${a.topic}/${a.partition}`).join(',')]),
    );
  }
  return out;
}

const remove: CommandSpec = {
  path: ['groups', 'delete'],
  summary: 'delete groups without active members, with their committed offsets',
  synopsis: 'GROUP...',
  positionalMin: 1,
  positionalMax: Number.MAX_SAFE_INTEGER,
  options: [],
  client: true,
  async run(args) {
    await withAdmin(args, (admin) => admin.deleteGroups(args.positional));
    emit(args.json, { deleted: args.positional }, () => args.positional.map((g) => `deleted group ${g}\n`).join(''));
    return 0;
  },
};

export const groupsGroup: CommandGroup = { name: 'groups', summary: 'list, describe and delete consumer groups', commands: [list, describe, remove] };

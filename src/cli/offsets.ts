/** `minikafka offsets reset`: move a group's committed offsets while the group has no active members. */
import { intOption, option, UsageError } from './args.js';
import type { CommandGroup, CommandSpec } from './command.js';
import { withAdmin } from './kafka.js';
import { emit, renderTable } from './output.js';
import type { ResetTarget } from '../client/admin-types.js';

const reset: CommandSpec = {
  path: ['offsets', 'reset'],
  summary: "move a group's committed offsets for a topic",
  options: [
    { name: 'group', arg: 'G', help: 'the group (required; it must have no active members)' },
    { name: 'topic', arg: 'T', help: 'the topic (required)' },
    { name: 'partitions', arg: 'N,...', help: 'only these partitions (default: all)' },
    { name: 'to-earliest', help: 'to the earliest offset' },
    { name: 'to-latest', help: 'to the end (skip everything there now)' },
    { name: 'to-offset', arg: 'N', help: 'to offset N' },
  ],
  client: true,
  notes: 'Exactly one of --to-earliest, --to-latest, --to-offset is required.',
  async run(args) {
    const group = option(args, 'group');
    const topic = option(args, 'topic');
    if (group === undefined || topic === undefined) throw new UsageError('offsets reset: --group and --topic are required (see --help)');
    const toOffset = intOption(args, 'to-offset', 0);
    const targets: ResetTarget[] = [];
    if (args.flags.has('to-earliest')) targets.push('earliest');
    if (args.flags.has('to-latest')) targets.push('latest');
    if (toOffset !== undefined) targets.push({ offset: BigInt(toOffset) });
    if (targets.length !== 1) throw new UsageError('offsets reset: give exactly one of --to-earliest, --to-latest, --to-offset N');
    const partitions = parsePartitions(option(args, 'partitions'));
    const committed = await withAdmin(args, (admin) => admin.resetOffsets(group, topic, targets[0]!, partitions));
    committed.sort((a, b) => a.partition - b.partition);
    const data = { group, topic, offsets: committed.map((c) => ({ partition: c.partition, offset: c.offset })) };
    emit(args.json, data, () => `reset offsets of group ${group} on ${topic}\n` + renderTable(['partition', 'new offset'], data.offsets.map((o) => [o.partition, o.offset])));
    return 0;
  },
};

function parsePartitions(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((s) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`--partitions expects partition numbers, got '${raw}'`);
    return n;
  });
}

export const offsetsGroup: CommandGroup = { name: 'offsets', summary: "reset a group's committed offsets", commands: [reset] };

/** `minikafka transactions list|describe`: transactional ids, their producers, states and partitions. */
import type { CommandGroup, CommandSpec } from './command.js';
import { option } from './args.js';
import { withAdmin } from './kafka.js';
import { emit, renderTable } from './output.js';

const list: CommandSpec = {
  path: ['transactions', 'list'],
  summary: 'list transactional ids and their states',
  options: [{ name: 'state', arg: 'S', help: 'only ids in these states, comma-separated (e.g. Ongoing,PrepareCommit)' }],
  client: true,
  async run(args) {
    const states = (option(args, 'state') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const txns = await withAdmin(args, (admin) => admin.listTransactions(states));
    emit(args.json, txns, () =>
      txns.length === 0 ? '(no transactional ids)\n' : renderTable(['transactional id', 'producer id', 'state'], txns.map((t) => [t.transactionalId, t.producerId, t.state])),
    );
    return 0;
  },
};

const describe: CommandSpec = {
  path: ['transactions', 'describe'],
  summary: 'state, producer, timeout and partitions of transactional ids',
  synopsis: 'TRANSACTIONAL_ID...',
  positionalMin: 1,
  positionalMax: Number.MAX_SAFE_INTEGER,
  options: [],
  client: true,
  async run(args) {
    const txns = await withAdmin(args, (admin) => admin.describeTransactions(args.positional));
    emit(args.json, txns, () => renderTable(
      ['transactional id', 'producer id', 'epoch', 'state', 'timeout ms', 'started', 'partitions'],
      txns.map((t) => [t.transactionalId, t.producerId, t.producerEpoch, t.state, t.timeoutMs, t.startTimeMs < 0 ? null : new Date(t.startTimeMs).toISOString(), t.partitions.map((p) => `${p.topic}/${p.partition}`).join(',')]),
    ));
    return 0;
  },
};

export const transactionsGroup: CommandGroup = { name: 'transactions', summary: 'list and describe transactions', commands: [list, describe] };

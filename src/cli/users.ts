/** `minikafka users add|list|delete`: SCRAM credentials through AlterUserScramCredentials / DescribeUserScramCredentials. */
import { UsageError, option } from './args.js';
import type { CommandGroup, CommandSpec } from './command.js';
import { withAdmin } from './kafka.js';
import { emit, renderTable } from './output.js';
import type { ScramMechanismName } from '../client/index.js';

function mechanisms(value: string[] | undefined): ScramMechanismName[] {
  const names = (value ?? ['SCRAM-SHA-256,SCRAM-SHA-512']).flatMap((v) => v.split(',')).map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
  for (const n of names) if (n !== 'SCRAM-SHA-256' && n !== 'SCRAM-SHA-512') throw new UsageError(`unknown SCRAM mechanism '${n}'`);
  return names as ScramMechanismName[];
}

const mechanismOption = { name: 'mechanism', arg: 'M', help: 'SCRAM-SHA-256 and/or SCRAM-SHA-512, comma-separated (default both)' };

const add: CommandSpec = {
  path: ['users', 'add'],
  summary: 'add or replace a SCRAM user (the password is salted on this side; the broker never sees it)',
  synopsis: 'USER',
  positionalMin: 1,
  options: [
    { name: 'password', arg: 'P', help: 'the password (or $MINIKAFKA_USER_PASSWORD, which keeps it out of the process list)' },
    { name: 'iterations', arg: 'N', help: 'PBKDF2 iterations, 4096-16384 (default 4096)' },
    mechanismOption,
  ],
  client: true,
  async run(args) {
    const user = args.positional[0]!;
    const password = option(args, 'password') ?? process.env['MINIKAFKA_USER_PASSWORD'];
    if (password === undefined || password === '') throw new UsageError('minikafka users add: --password or $MINIKAFKA_USER_PASSWORD is required');
    const iterations = Number(option(args, 'iterations') ?? 4096);
    if (!Number.isInteger(iterations)) throw new UsageError('--iterations must be an integer');
    const mechs = mechanisms(args.options.get('mechanism'));
    await withAdmin(args, async (admin) => {
      for (const m of mechs) await admin.upsertScramUser(user, password, m, iterations);
    });
    emit(args.json, { user, mechanisms: mechs }, () => `added ${user} (${mechs.join(', ')})\n`);
    return 0;
  },
};

const list: CommandSpec = {
  path: ['users', 'list'],
  summary: 'list SCRAM users, their mechanisms and iteration counts',
  options: [],
  client: true,
  async run(args) {
    const users = await withAdmin(args, (admin) => admin.describeScramUsers());
    emit(args.json, users, () => users.length === 0 ? '(no users)\n'
      : renderTable(['user', 'mechanism', 'iterations'], users.flatMap((u) => u.mechanisms.map((m) => [u.user, m.mechanism, m.iterations]))));
    return 0;
  },
};

const remove: CommandSpec = {
  path: ['users', 'delete'],
  summary: 'delete a SCRAM user\'s credentials',
  synopsis: 'USER',
  positionalMin: 1,
  options: [mechanismOption],
  client: true,
  async run(args) {
    const user = args.positional[0]!;
    const existing = await withAdmin(args, async (admin) => {
      const [found] = await admin.describeScramUsers([user]);
      const wanted = mechanisms(args.options.get('mechanism')).filter((m) => found!.mechanisms.some((x) => x.mechanism === m));
      for (const m of wanted) await admin.deleteScramUser(user, m);
      return wanted;
    });
    emit(args.json, { user, mechanisms: existing }, () => `deleted ${user} (${existing.join(', ')})\n`);
    return 0;
  },
};

export const usersGroup: CommandGroup = { name: 'users', summary: 'SCRAM users: add, list, delete', commands: [add, list, remove] };

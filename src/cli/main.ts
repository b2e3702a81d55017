#!/usr/bin/env node
/** The `minikafka` command: dispatch to a command or command group; exit 0 ok, 1 run-time error, 2 usage. */
import { reportError } from './errors.js';
import type { CommandGroup, CommandSpec } from './command.js';

// Commands load on demand: `start` (a long-running broker) never loads the client or its native codecs.
async function toolCommands(): Promise<{ groups: CommandGroup[]; commands: CommandSpec[] }> {
  const [{ topicsGroup }, { produceCommand }, { consumeCommand }, { groupsGroup }, { offsetsGroup }, { transactionsGroup }, { usersGroup }, { aclsGroup }] = await Promise.all([
    import('./topics.js'), import('./produce.js'), import('./consume.js'), import('./groups.js'), import('./offsets.js'), import('./transactions.js'),
    import('./users.js'), import('./acls.js'),
  ]);
  return { groups: [topicsGroup, groupsGroup, offsetsGroup, transactionsGroup, usersGroup, aclsGroup], commands: [produceCommand, consumeCommand] };
}

const usage = `minikafka: a single-node Kafka-compatible broker, and tools for any Kafka cluster

Usage:
  minikafka start [--host H] [--port P] [--data-dir DIR] [--config FILE] [--set name=value ...] [--log-level L]
  minikafka topics list|create|describe|delete
  minikafka produce TOPIC             values from stdin lines or --file
  minikafka consume TOPIC             print messages (--group, --from-beginning, --format, --isolation-level)
  minikafka groups list|describe|delete
  minikafka offsets reset --group G --topic T (--to-earliest|--to-latest|--to-offset N)
  minikafka transactions list|describe
  minikafka users add|list|delete     SCRAM users
  minikafka acls add|list|remove      ACLs
  minikafka run [--set name=value ...] -- COMMAND   run COMMAND beside a temporary broker (tests)

Every command but 'start' takes --bootstrap HOST:PORT (default localhost:9092), --json, and
--command-config FILE (Kafka client security properties) or --security-protocol/--sasl-*/--ssl-ca.
Exit codes: 0 ok, 1 run-time or Kafka error (its name on stderr), 2 usage error.
Run 'minikafka <command> --help' for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'start') return (await import('./start.js')).startCommand(rest);
  if (command === 'run') return (await import('./run.js')).runCommandWithBroker(rest);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(usage);
    return command === undefined ? 2 : 0;
  }
  const { groups, commands } = await toolCommands();
  const { runCommand, runGroup } = await import('./command.js');
  const group = groups.find((g) => g.name === command);
  if (group !== undefined) return runGroup(group, rest);
  const spec = commands.find((c) => c.path[0] === command);
  if (spec !== undefined) return runCommand(spec, rest);
  process.stderr.write(`minikafka: unknown command '${command}'\n\n${usage}`);
  return 2;
}

const argv = process.argv.slice(2);
// A finished command exits even if a socket or timer is left behind; `start` keeps running.
const finish = (code: number): void => {
  process.exitCode = code;
  if (argv[0] !== 'start') setTimeout(() => process.exit(code), 1000).unref();
};
main(argv).then(finish, (err: unknown) => finish(reportError(err, argv.includes('--json'))));

/**
 * The command framework: every command declares its options once, and from that declaration we get
 * its `--help` text, argument checking (unknown options and wrong counts are usage errors, exit 2)
 * and the options every client command shares (`--bootstrap`, `--json`, `--help`).
 */
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { securityOptions } from './security.js';

export interface OptionSpec {
  name: string;
  /** Placeholder for the value (`N`, `k=v`); absent for a boolean flag. */
  arg?: string;
  help: string;
}

export interface CommandSpec {
  /** Words after `minikafka`, e.g. `['topics', 'create']`. */
  path: string[];
  summary: string;
  /** Positional part of the synopsis, e.g. `TOPIC`. */
  synopsis?: string;
  positionalMin?: number;
  positionalMax?: number;
  options: OptionSpec[];
  /** Adds --bootstrap and --json (commands that talk to a broker). */
  client?: boolean;
  /** Extra lines at the end of --help (examples, token lists). */
  notes?: string;
  run(args: CommandArgs): Promise<number>;
}

export interface CommandArgs extends ParsedArgs {
  /** `--json` was given: machine-readable stdout. */
  json: boolean;
  /** `--bootstrap`, default localhost:9092 (or $MINIKAFKA_BOOTSTRAP). */
  bootstrap: string;
}

export const defaultBootstrap = 'localhost:9092';

const clientOptions: OptionSpec[] = [
  { name: 'bootstrap', arg: 'HOST:PORT', help: `broker(s) to connect to, comma-separated (default ${defaultBootstrap}, or $MINIKAFKA_BOOTSTRAP)` },
  { name: 'json', help: 'machine-readable JSON on stdout' },
  ...securityOptions,
];
const helpOption: OptionSpec = { name: 'help', help: 'show this help' };

function allOptions(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, ...(spec.client === true ? clientOptions : []), helpOption];
}

export function commandHelp(spec: CommandSpec): string {
  const options = allOptions(spec);
  const left = options.map((o) => `--${o.name}${o.arg === undefined ? '' : ` ${o.arg}`}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = [
    `minikafka ${spec.path.join(' ')}: ${spec.summary}`,
    '',
    `Usage: minikafka ${spec.path.join(' ')}${spec.synopsis === undefined ? '' : ` ${spec.synopsis}`} [options]`,
    '',
    'Options:',
    ...options.map((o, i) => `  ${left[i]!.padEnd(width)}${o.help}`),
  ];
  if (spec.notes !== undefined) lines.push('', spec.notes.trimEnd());
  return lines.join('\n') + '\n';
}

/** True when argv asks for help (`--help` or `-h` anywhere before `--`). */
export function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

export async function runCommand(spec: CommandSpec, argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(commandHelp(spec));
    return 0;
  }
  const options = allOptions(spec);
  const booleans = options.filter((o) => o.arg === undefined).map((o) => o.name);
  const known = new Set(options.map((o) => o.name));
  const where = `minikafka ${spec.path.join(' ')}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.has(name)) throw new UsageError(`${where}: unknown option --${name} (see --help)`);
    if (eq < 0 && !booleans.includes(name)) i++; // its value may itself start with --
  }
  const parsed = parseArgs(argv, booleans);
  const positional = parsed.positional.filter((p) => p !== '--');
  const min = spec.positionalMin ?? 0;
  const max = spec.positionalMax ?? min;
  if (positional.length < min) throw new UsageError(`${where}: missing ${spec.synopsis ?? 'argument'} (see --help)`);
  if (positional.length > max) throw new UsageError(`${where}: unexpected argument '${positional[max]}' (see --help)`);
  const bootstrapOpt = parsed.options.get('bootstrap');
  const bootstrap = bootstrapOpt?.[bootstrapOpt.length - 1] ?? process.env['MINIKAFKA_BOOTSTRAP'] ?? defaultBootstrap;
  return spec.run({ ...parsed, positional, json: parsed.flags.has('json'), bootstrap });
}

/** A command with subcommands (`topics list|create|...`). */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: CommandSpec[];
}

export function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.path[c.path.length - 1]!.length)) + 2;
  return [
    `minikafka ${group.name}: ${group.summary}`,
    '',
    `Usage: minikafka ${group.name} <${group.commands.map((c) => c.path[c.path.length - 1]).join('|')}> [options]`,
    '',
    'Commands:',
    ...group.commands.map((c) => `  ${c.path[c.path.length - 1]!.padEnd(width)}${c.summary}`),
    '',
    `Run 'minikafka ${group.name} <command> --help' for a command's options.`,
  ].join('\n') + '\n';
}

export async function runGroup(group: CommandGroup, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub === undefined ? process.stderr : process.stdout).write(groupHelp(group));
    return sub === undefined ? 2 : 0;
  }
  const spec = group.commands.find((c) => c.path[c.path.length - 1] === sub);
  if (spec === undefined) throw new UsageError(`minikafka ${group.name}: unknown command '${sub}'\n\n${groupHelp(group)}`);
  return runCommand(spec, rest);
}

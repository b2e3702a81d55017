/** A small argv parser: `--name value`, `--name=value`, repeated `--set k=v`, and boolean flags. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], booleanFlags: string[] = []): ParsedArgs {
  const out: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (booleanFlags.includes(name)) {
      out.flags.add(name);
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      value = next;
    }
    const list = out.options.get(name) ?? [];
    list.push(value);
    out.options.set(name, list);
  }
  return out;
}

export function option(args: ParsedArgs, name: string): string | undefined {
  const list = args.options.get(name);
  return list === undefined ? undefined : list[list.length - 1];
}

/** An integer option within [min, max]; a bad value is a usage error naming the option. */
export function intOption(args: ParsedArgs, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = option(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} expects an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, got '${raw}'`);
  }
  return n;
}

/** `k=v` pairs from a repeatable option and/or comma-separated lists (`--headers a=1,b=2`). */
export function keyValues(values: string[], name: string, splitCommas: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const value of values) {
    for (const kv of splitCommas ? value.split(',') : [value]) {
      if (kv === '') continue;
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--${name} expects name=value, got '${kv}'`);
      out.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    }
  }
  return out;
}

/** Human tables on stdout by default, JSON with `--json`; bigint-safe. */

export type Cell = string | number | bigint | boolean | null | undefined;

/** Aligned columns with an upper-case header; numbers right-aligned. */
export function renderTable(columns: string[], rows: Cell[][]): string {
  const text = rows.map((r) => columns.map((_, i) => cellText(r[i])));
  const isNumber = (c: Cell): boolean => typeof c === 'number' || typeof c === 'bigint';
  const numeric = columns.map((_, i) => rows.some((r) => isNumber(r[i])) && rows.every((r) => isNumber(r[i]) || r[i] === null || r[i] === undefined));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: string[], header: boolean): string =>
    cells
      .map((c, i) => (numeric[i] === true && !header ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase()), true), ...text.map((r) => line(r, false))].join('\n') + '\n';
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '-';
  return String(c);
}

/** JSON.stringify with bigints as numbers when safe, else strings. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
      return v;
    },
    indent,
  );
}

export function printJson(value: unknown): void {
  process.stdout.write(toJson(value, 2) + '\n');
}

/** One of the two: `--json` data, or the human rendering. */
export function emit(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? toJson(data, 2) + '\n' : human());
}

/** A tiny timing loop for bench/micro: warm-up, then batches of calls until `ms` elapsed; ops/s and ns/op. */
export interface MicroResult {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  /** Bytes processed per op, when given: MB/s is printed too. */
  bytesPerOp?: number;
}

/** Keeps results alive so the JIT cannot drop the measured work. */
export let sink: unknown;

export function measure(name: string, fn: () => unknown, options: { ms?: number; bytesPerOp?: number } = {}): MicroResult {
  const ms = options.ms ?? Number(process.env.MICRO_MS ?? 1000);
  let batch = 1;
  // Warm-up (~ms/5) while finding a batch size that takes about 10 ms.
  const warmEnd = performance.now() + ms / 5;
  while (performance.now() < warmEnd) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn();
    if (performance.now() - t0 < 10) batch *= 2;
  }
  let ops = 0;
  const t0 = process.hrtime.bigint();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < batch; i++) sink = fn();
    ops += batch;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const result: MicroResult = { name, opsPerSec: (ops * 1e9) / ns, nsPerOp: ns / ops, bytesPerOp: options.bytesPerOp };
  report(result);
  return result;
}

export function report(r: MicroResult): void {
  const mbs = r.bytesPerOp === undefined ? '' : `  ${((r.opsPerSec * r.bytesPerOp) / 1e6).toFixed(0).padStart(7)} MB/s`;
  process.stdout.write(`${r.name.padEnd(52)} ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(14)} ops/s ${r.nsPerOp.toFixed(1).padStart(11)} ns/op${mbs}\n`);
}

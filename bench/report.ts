/** The Markdown table of a bench run. */

export interface Row {
  section: string;
  name: string;
  unit: string;
  minikafka?: number;
  mock?: number;
  /** Apache Kafka (one KRaft node, bench/kafka/apache-kafka.ts) under the same load. */
  kafka?: number;
  higherIsBetter?: boolean;
  /** Goal as a ratio minikafka / Kafka: at least this when higherIsBetter, else at most. */
  kafkaGoal?: number;
  /** Target as a ratio minikafka / mock (throughput). */
  targetRatio?: number;
  /** Target as an absolute bound in `unit` (lower is better unless higherIsBetter). */
  targetAbs?: number;
  note?: string;
}

export interface Results {
  date: string;
  machine: { nproc: number; cpu: string; memoryGB: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  durationSeconds: number;
  rows: Row[];
  extra: Record<string, unknown>;
}

function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'not measured';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function ratio(row: Row): number | undefined {
  if (row.minikafka === undefined || row.mock === undefined || row.mock === 0) return undefined;
  return row.minikafka / row.mock;
}

export function kafkaRatio(row: Row): number | undefined {
  if (row.minikafka === undefined || row.kafka === undefined || row.kafka === 0) return undefined;
  return row.minikafka / row.kafka;
}

function kafkaGoalCell(row: Row): string {
  if (row.kafkaGoal === undefined) return '';
  const r = kafkaRatio(row);
  const met = r === undefined ? undefined : row.higherIsBetter ? r >= row.kafkaGoal : r <= row.kafkaGoal;
  return `${row.higherIsBetter ? '≥' : '≤'} ${row.kafkaGoal}x Kafka: ${met === undefined ? 'not measured' : met ? 'met' : 'missed'}`;
}

function targetCell(row: Row): string {
  const r = ratio(row);
  if (row.targetRatio !== undefined) {
    const verdict = r === undefined ? 'not measured' : r >= row.targetRatio ? 'met' : 'missed';
    return `≥ ${row.targetRatio}x mock: ${verdict}`;
  }
  if (row.targetAbs !== undefined) {
    const v = row.minikafka;
    const ok = v === undefined ? undefined : row.higherIsBetter ? v >= row.targetAbs : v < row.targetAbs;
    return `${row.higherIsBetter ? '≥' : '<'} ${fmt(row.targetAbs)} ${row.unit}: ${ok === undefined ? 'not measured' : ok ? 'met' : 'missed'}`;
  }
  return '';
}

export function renderMarkdown(results: Results): string {
  const m = results.machine;
  const shared = Math.max(...m.loadAverageAtStart.slice(0, 1)) > 0.5;
  const lines = [
    '# minikafka benchmark results',
    '',
    `Run ${results.date} by \`npm run bench\` in ${results.durationSeconds.toFixed(0)} s on ${m.nproc} × ${m.cpu}, ${m.memoryGB} GB RAM, Node ${m.node}.`,
    `Load average at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}${shared ? ' (other processes shared the machine during this run: read the figures as lower bounds)' : ''}.`,
    '',
    'Load: bench/loadgen.c on librdkafka (linger.ms=5, no compression, no idempotence; latency: linger.ms=0, 100 B, fetch.wait.max.ms=500).',
    'Client rows (KafkaJS, @platformatic/kafka, our own client): the client runs in the bench process, 320,000 x 100 B over 8 partitions, sends of 1,000 with 4 in flight, acks=1, then a group of one reads everything back; the @platformatic/kafka rows are minikafka only (absolute figures).',
    "Reference: librdkafka's in-memory mock cluster in the same run (no disk, no fsync). `vs mock` = minikafka ÷ mock (higher is better for msgs/s, lower for ms and s/GB).",
    'Apache Kafka: 4.4.0 from Maven Central, one KRaft node (combined broker and controller), 1 GiB heap, its default flush policy (the OS flushes; rows marked fsync use log.flush.interval.messages=1), in the same run under the same load after the same untimed warm-up. `vs Kafka` = minikafka ÷ Kafka.',
    'Every produce and consume figure is counted only if every message was confirmed or received; runs stay under the mock\'s 5 MiB per-partition retention.',
    '',
    '| section | measurement | minikafka | mock | vs mock | Kafka | vs Kafka | target | notes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const row of results.rows) {
    const r = ratio(row);
    const rk = kafkaRatio(row);
    const unit = row.unit ? ` ${row.unit}` : '';
    const target = [targetCell(row), kafkaGoalCell(row)].filter((x) => x !== '').join('; ');
    lines.push(`| ${row.section} | ${row.name} | ${row.minikafka === undefined ? (row.note?.startsWith('not measured') ? 'not measured' : '-') : fmt(row.minikafka) + unit} | ${row.mock === undefined ? '-' : fmt(row.mock) + unit} | ${r === undefined ? '-' : `${r.toFixed(2)}x`} | ${row.kafka === undefined ? '-' : fmt(row.kafka) + unit} | ${rk === undefined ? '-' : `${rk.toFixed(2)}x`} | ${target} | ${row.note ?? ''} |`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

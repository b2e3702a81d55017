/**
 * Field-by-field comparison of two decoded responses (minikafka's and Apache Kafka's to the same
 * request). Values that differ by design between any two clusters (ids, addresses, wording of error
 * messages, throttle times) are normalised before the walk; everything else must match unless
 * intended.ts lists it.
 */

export interface Difference {
  scenario: string;
  path: string;
  minikafka: unknown;
  kafka: unknown;
}

/** Fields whose value identifies a cluster, a node or a session: equal only in shape. */
const anyValue = new Set(['throttleTimeMs', 'clusterId', 'controllerId', 'nodeId', 'host', 'port', 'leaderId', 'leader', 'coordinatorId', 'brokerId', 'producerId']);
/** Lists of node ids: compared by length. */
const nodeLists = new Set(['replicaNodes', 'isrNodes', 'offlineReplicas', 'eligibleLeaderReplicas', 'lastKnownElr']);
/** Generated ids: compared as "zero/empty" or "set". */
const ids = new Set(['topicId', 'memberId', 'leader']);

function shape(key: string, value: unknown): unknown {
  if (key === 'errorMessage') return value === null || value === '' ? value : '<text>';
  if (ids.has(key)) {
    if (typeof value === 'string') return value === '' || /^[A]{21,22}$|^[0-]{36}$/.test(value) ? '<empty>' : '<set>';
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).every((b) => b === 0) ? '<zero>' : '<set>';
  }
  if (anyValue.has(key)) return value === null ? null : '<any>';
  if (nodeLists.has(key) && Array.isArray(value)) return `<${value.length} node(s)>`;
  if (key === 'records') return value === null ? null : `<${(value as Buffer).length} bytes>`;
  return value;
}

export function normalise(value: unknown, key = ''): unknown {
  const shaped = shape(key, value);
  if (shaped !== value) return shaped;
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<bytes ${Buffer.from(value).toString('hex')}>`;
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!k.startsWith('_')) out[k] = normalise(v, k);
    return out;
  }
  return value;
}

/** Every leaf path where the normalised values differ. Arrays of structs with a name or index are matched by it. */
export function differences(scenario: string, minikafka: unknown, kafka: unknown, path = ''): Difference[] {
  const out: Difference[] = [];
  walk(normalise(minikafka), normalise(kafka), path, (p, a, b) => out.push({ scenario, path: p, minikafka: a, kafka: b }));
  return out;
}

function keyOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  for (const k of ['name', 'topic', 'partitionIndex', 'partition', 'index', 'key', 'groupId', 'resourceName', 'apiKey']) {
    if (typeof o[k] === 'string' || typeof o[k] === 'number') return `${k}=${String(o[k])}`;
  }
  return undefined;
}

function walk(a: unknown, b: unknown, path: string, report: (path: string, a: unknown, b: unknown) => void): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyed = [...a, ...b].every((x) => keyOf(x) !== undefined);
    if (keyed) {
      const am = new Map(a.map((x) => [keyOf(x)!, x]));
      const bm = new Map(b.map((x) => [keyOf(x)!, x]));
      for (const k of new Set([...am.keys(), ...bm.keys()])) {
        walk(am.has(k) ? am.get(k) : '<absent>', bm.has(k) ? bm.get(k) : '<absent>', `${path}[${k}]`, report);
      }
      return;
    }
    if (a.length !== b.length) {
      report(`${path}.length`, a.length, b.length);
      return;
    }
    a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, report));
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) walk(ao[k], bo[k], `${path}.${k}`, report);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) report(path, a, b);
}

// The console's browser code. `consoleApp` runs in the browser, not in Node: the listener serves its
// source (Function.prototype.toString of the compiled function) as /console/app.js, so it is type-checked
// with the rest and needs no bundler. It must stay self-contained: no imports, no outer names.
// Record data (keys, values, headers, topic and group names) only ever reaches the page through
// textContent and attribute values set with setAttribute: never through innerHTML.
/* eslint-disable */
export function consoleApp(): void {
  type Child = Node | string | number | null | undefined | false;
  const main = document.getElementById('main')!;
  const notice = document.getElementById('notice')!;
  const live = document.getElementById('live')!;
  let timer: number | undefined;
  let route = 0;

  function el(tag: string, attrs: Record<string, string | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElement {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === 'function') e.addEventListener(k, v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'number' ? String(c) : c);
    return e;
  }
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const bytes = (n: number): string => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
  const enc = encodeURIComponent;

  let saidAt = 0;
  function say(text: string, kind: 'ok' | 'error'): void {
    saidAt = Date.now();
    notice.textContent = text;
    notice.className = kind;
    notice.hidden = false;
  }

  class ApiError extends Error {
    constructor(readonly status: number, message: string) { super(message); }
  }
  async function api(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`/console/api${path}`, {
      method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return undefined;
    const json = await res.json().catch(() => ({ message: `HTTP ${res.status}` }));
    if (!res.ok) throw new ApiError(res.status, `${res.status}: ${json?.message ?? 'request failed'}`);
    return json;
  }

  function table(headers: string[], rows: Child[][], testid: string, numeric: number[] = []): HTMLElement {
    return el('table', { 'data-testid': testid },
      el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', numeric.includes(i) ? { class: 'num' } : {}, h)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', numeric.includes(i) ? { class: 'num' } : {}, c))))));
  }

  function poll(render: () => Promise<void>): void {
    const mine = route;
    const tick = async (): Promise<void> => {
      if (mine !== route) return;
      try {
        await render();
        live.textContent = `updated ${new Date().toLocaleTimeString()}`;
      } catch (err) {
        say((err as Error).message, 'error');
      }
      if (mine === route) timer = window.setTimeout(() => void tick(), 2000);
    };
    void tick();
  }

  // ---------------------------------------------------------------- overview
  let lastSample: { t: number; messages: number; bytesIn: number } | undefined;
  function overview(): void {
    const box = el('div');
    main.replaceChildren(el('h1', {}, 'Overview'), box);
    poll(async () => {
      const o = await api('GET', '/overview');
      const now = Date.now();
      const m = o.metrics;
      let rate = '–';
      let byteRate = '–';
      if (lastSample !== undefined && now > lastSample.t) {
        const s = (now - lastSample.t) / 1000;
        rate = `${fmt(Math.max(0, Math.round((m.messages_in_total - lastSample.messages) / s)))}/s`;
        byteRate = `${bytes(Math.max(0, Math.round((m.bytes_in_total - lastSample.bytesIn) / s)))}/s`;
      }
      lastSample = { t: now, messages: m.messages_in_total, bytesIn: m.bytes_in_total };
      const stat = (label: string, value: string, id: string) => el('div', { class: 'stat', 'data-testid': id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
      box.replaceChildren(
        el('section', { class: 'card' }, el('div', {}, 'Broker ', el('b', {}, String(o.broker.node_id)), ' · cluster ', el('code', {}, o.broker.cluster_id), ' · Kafka listener ', el('code', {}, o.broker.kafka_listener), ' · up ', `${fmt(o.broker.uptime_seconds)} s`)),
        el('div', { class: 'stats' },
          stat('Topics', fmt(o.topics), 'stat-topics'), stat('Partitions', fmt(o.partitions), 'stat-partitions'), stat('Consumer groups', fmt(o.groups), 'stat-groups'),
          stat('Messages in', fmt(m.messages_in_total), 'stat-messages'), stat('Messages in rate', rate, 'stat-rate'), stat('Bytes in rate', byteRate, 'stat-byte-rate'),
          stat('Bytes in', bytes(m.bytes_in_total), 'stat-bytes-in'), stat('Bytes out', bytes(m.bytes_out_total), 'stat-bytes-out'),
          stat('Requests', fmt(m.requests_total), 'stat-requests'), stat('Connections', fmt(m.connections), 'stat-connections'),
          stat('Resident memory', bytes(m.resident_memory_bytes), 'stat-rss'), stat('Event-loop delay p99', `${(m.event_loop_delay_p99_seconds * 1000).toFixed(1)} ms`, 'stat-loop')),
        el('p', { class: 'muted' }, 'Prometheus metrics: ', el('a', { href: '/metrics' }, '/metrics'), ' · API: ', el('a', { href: '/openapi.json' }, '/openapi.json')));
    });
  }

  // ---------------------------------------------------------------- topics
  async function topics(): Promise<void> {
    const list = await api('GET', '/topics');
    const name = el('input', { name: 'name', required: 'required', placeholder: 'orders', 'data-testid': 'new-topic-name' }) as HTMLInputElement;
    const parts = el('input', { name: 'partitions', type: 'number', min: '1', value: '1', 'data-testid': 'new-topic-partitions' }) as HTMLInputElement;
    const configs = el('textarea', { name: 'configs', placeholder: 'retention.ms=3600000', 'data-testid': 'new-topic-configs' }) as HTMLTextAreaElement;
    const create = el('form', { class: 'inline', 'data-testid': 'create-topic', submit: (e: Event) => {
      e.preventDefault();
      void (async () => {
        try {
          const cfg: Record<string, string> = {};
          for (const line of configs.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
            const i = line.indexOf('=');
            if (i <= 0) throw new Error(`config "${line}" is not name=value`);
            cfg[line.slice(0, i).trim()] = line.slice(i + 1).trim();
          }
          await api('POST', '/topics', { name: name.value, partitions: Number(parts.value), configs: cfg });
          say(`Created topic ${name.value}.`, 'ok');
          location.hash = `#/topics/${enc(name.value)}`;
        } catch (err) {
          say((err as Error).message, 'error');
        }
      })();
    } },
    el('label', {}, 'Name', name), el('label', {}, 'Partitions', parts), el('label', {}, 'Configs (name=value per line)', configs), el('button', { type: 'submit' }, 'Create topic'));
    main.replaceChildren(
      el('h1', {}, 'Topics'),
      el('section', { class: 'card' }, el('h2', {}, 'Create a topic'), create),
      table(['Topic', 'Partitions', ''], list.topics.map((t: any) => [el('a', { href: `#/topics/${enc(t.name)}` }, t.name), t.partitions, t.internal ? el('span', { class: 'tag' }, 'internal') : '']), 'topics-table', [1]));
  }

  async function topic(topicName: string): Promise<void> {
    const t = await api('GET', `/topics/${enc(topicName)}`);
    const del = el('button', { class: 'danger', 'data-testid': 'delete-topic', click: () => {
      if (!window.confirm(`Delete topic ${t.name} and all its records?`)) return;
      void api('DELETE', `/topics/${enc(t.name)}`).then(() => {
        say(`Deleted topic ${t.name}.`, 'ok');
        location.hash = '#/topics';
      }, (err: Error) => say(err.message, 'error'));
    } }, 'Delete topic');
    main.replaceChildren(
      el('h1', {}, 'Topic ', el('span', { 'data-testid': 'topic-name' }, t.name), ' ', t.internal ? el('span', { class: 'tag' }, 'internal') : ''),
      el('p', {}, el('a', { href: `#/topics/${enc(t.name)}/messages`, 'data-testid': 'browse-link' }, 'Browse messages'), ' · ', t.internal ? '' : del),
      el('h2', {}, `Partitions (${fmt(t.partitions_count)})`), t.partitions_truncated ? el('p', { class: 'muted' }, `The first ${t.partitions.length} are shown.`) : '',
      table(['Partition', 'Earliest offset', 'Latest offset', 'Records'], t.partitions.map((p: any) => [p.partition, fmt(p.earliest_offset), fmt(p.latest_offset), fmt(p.records)]), 'partitions-table', [0, 1, 2, 3]),
      t.internal ? '' : produceForm(t.name, t.partitions_count),
      el('h2', {}, 'Configs'),
      table(['Name', 'Value', ''], t.configs.map((c: any) => [c.name, c.value, c.is_default ? el('span', { class: 'muted' }, 'default') : el('span', { class: 'tag' }, 'override')]), 'configs-table'));
  }

  function produceForm(topicName: string, partitions: number): HTMLElement {
    const partition = el('select', { 'data-testid': 'produce-partition' }, el('option', { value: '' }, 'by key (murmur2)'),
      ...Array.from({ length: Math.min(partitions, 1000) }, (_, p) => el('option', { value: String(p) }, String(p)))) as HTMLSelectElement;
    const key = el('input', { placeholder: 'key (empty: none)', 'data-testid': 'produce-key' }) as HTMLInputElement;
    const value = el('textarea', { placeholder: '{"hello":"world"}', 'data-testid': 'produce-value' }) as HTMLTextAreaElement;
    const headers = el('textarea', { placeholder: 'name=value per line', 'data-testid': 'produce-headers' }) as HTMLTextAreaElement;
    return el('section', { class: 'card' }, el('h2', {}, 'Produce a message'),
      el('form', { class: 'inline', 'data-testid': 'produce-form', submit: (e: Event) => {
        e.preventDefault();
        void (async () => {
          try {
            const hs = headers.value.split('\n').filter((l) => l.trim() !== '').map((l) => {
              const i = l.indexOf('=');
              return i < 0 ? { name: l.trim(), value: null } : { name: l.slice(0, i).trim(), value: l.slice(i + 1) };
            });
            const r = await api('POST', `/topics/${enc(topicName)}/records`, {
              partition: partition.value === '' ? null : Number(partition.value), key: key.value === '' ? null : key.value, value: value.value, headers: hs,
            });
            say(`Produced to partition ${r.partition} at offset ${r.offset}.`, 'ok');
          } catch (err) {
            say((err as Error).message, 'error');
          }
        })();
      } }, el('label', {}, 'Partition', partition), el('label', {}, 'Key', key), el('label', {}, 'Value', value), el('label', {}, 'Headers', headers),
      el('button', { type: 'submit' }, 'Produce')));
  }

  // ---------------------------------------------------------------- message browser
  function fieldText(f: any): string {
    if (f === null) return 'null';
    let text: string = f.data;
    if (f.encoding === 'utf8' && !f.truncated) {
      try {
        const parsed = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null) text = JSON.stringify(parsed, null, 2);
      } catch { /* not JSON: shown as it is */ }
    }
    return f.encoding === 'base64' ? `base64: ${text}` : text;
  }
  function fieldCell(f: any, testid: string): HTMLElement {
    return el('div', {}, el('pre', { 'data-testid': testid }, fieldText(f)), f?.truncated ? el('span', { class: 'muted' }, `(${fmt(f.size)} bytes, cut)`) : '');
  }

  async function messages(topicName: string, params: URLSearchParams): Promise<void> {
    const t = await api('GET', `/topics/${enc(topicName)}`);
    const partition = el('select', { 'data-testid': 'browse-partition' }, ...Array.from({ length: Math.min(t.partitions_count, 1000) }, (_, p) => el('option', { value: String(p) }, String(p)))) as HTMLSelectElement;
    partition.value = params.get('partition') ?? '0';
    const mode = el('select', { 'data-testid': 'browse-mode' }, ...['earliest', 'offset', 'timestamp', 'latest'].map((m) => el('option', { value: m }, m))) as HTMLSelectElement;
    mode.value = params.get('mode') ?? 'earliest';
    const at = el('input', { placeholder: 'offset, or time (2026-12-01T10:00:00Z)', 'data-testid': 'browse-at', value: params.get('at') ?? '' }) as HTMLInputElement;
    const limit = el('input', { type: 'number', min: '1', max: '500', value: params.get('limit') ?? '50', 'data-testid': 'browse-limit' }) as HTMLInputElement;
    const search = el('input', { placeholder: 'search the loaded page', 'data-testid': 'browse-search' }) as HTMLInputElement;
    const out = el('div', { 'data-testid': 'browse-results' });
    let rows: Array<{ tr: HTMLElement; text: string }> = [];
    let next: number | undefined;
    const filter = (): void => {
      const q = search.value.toLowerCase();
      for (const r of rows) r.tr.hidden = q !== '' && !r.text.includes(q);
    };
    search.addEventListener('input', filter);
    const load = async (from?: number): Promise<void> => {
      const q = new URLSearchParams({ limit: limit.value || '50' });
      if (from !== undefined) q.set('offset', String(from));
      else if (mode.value === 'offset') q.set('offset', at.value.trim());
      else if (mode.value === 'timestamp') {
        const v = at.value.trim();
        const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
        if (Number.isNaN(ms)) throw new Error(`"${v}" is not a time`);
        q.set('timestamp', String(ms));
      } else q.set('position', mode.value);
      const page = await api('GET', `/topics/${enc(t.name)}/partitions/${partition.value}/records?${q}`);
      next = page.next_offset < page.latest_offset ? page.next_offset : undefined;
      rows = page.records.map((r: any) => {
        const headers = el('div', {}, ...r.headers.map((h: any) => el('div', {}, el('span', { class: 'tag' }, h.name), ' ', el('code', {}, fieldText(h.value)))));
        const tr = el('tr', { class: 'record', 'data-offset': String(r.offset) },
          el('td', { class: 'num' }, String(r.offset)), el('td', {}, new Date(r.timestamp).toISOString()),
          el('td', {}, fieldCell(r.key, 'record-key')), el('td', {}, fieldCell(r.value, 'record-value')), el('td', {}, headers));
        const text = [r.key?.data ?? '', r.value?.data ?? '', ...r.headers.map((h: any) => `${h.name} ${h.value?.data ?? ''}`)].join(' ').toLowerCase();
        return { tr, text };
      });
      out.replaceChildren(
        el('p', { class: 'muted', 'data-testid': 'browse-summary' }, `Partition ${page.partition}: offsets ${fmt(page.earliest_offset)} to ${fmt(page.latest_offset)}; ${page.records.length} record(s) from offset ${fmt(page.from_offset)}`,
          page.skipped_batches.length > 0 ? `; ${page.skipped_batches.length} batch(es) not shown (${page.skipped_batches[0].reason})` : ''),
        el('table', { 'data-testid': 'records-table' },
          el('thead', {}, el('tr', {}, el('th', { class: 'num' }, 'Offset'), el('th', {}, 'Timestamp'), el('th', {}, 'Key'), el('th', {}, 'Value'), el('th', {}, 'Headers'))),
          el('tbody', {}, ...rows.map((r) => r.tr))),
        next === undefined ? '' : el('button', { class: 'secondary', 'data-testid': 'browse-next', click: () => void load(next).catch((err: Error) => say(err.message, 'error')) }, `Next page from offset ${fmt(next)}`));
      filter();
    };
    const form = el('form', { class: 'inline', 'data-testid': 'browse-form', submit: (e: Event) => {
      e.preventDefault();
      void load().catch((err: Error) => say(err.message, 'error'));
    } }, el('label', {}, 'Partition', partition), el('label', {}, 'From', mode), el('label', {}, 'Offset / time', at), el('label', {}, 'Page size', limit),
    el('button', { type: 'submit' }, 'Load'), el('label', {}, 'Search', search));
    main.replaceChildren(el('h1', {}, 'Messages of ', el('a', { href: `#/topics/${enc(t.name)}` }, t.name)), el('section', { class: 'card' }, form), out);
    await load();
  }

  // ---------------------------------------------------------------- groups
  async function groups(): Promise<void> {
    const list = await api('GET', '/groups');
    main.replaceChildren(el('h1', {}, 'Consumer groups'),
      list.groups.length === 0 ? el('p', { class: 'muted' }, 'No consumer groups yet.')
        : table(['Group', 'Type', 'State', 'Members', 'Total lag'], list.groups.map((g: any) => [el('a', { href: `#/groups/${enc(g.group)}` }, g.group), g.type, g.state, g.members, fmt(g.lag)]), 'groups-table', [3, 4]));
  }

  function group(groupId: string): void {
    const body = el('div');
    const topicIn = el('input', { placeholder: 'topic', 'data-testid': 'reset-topic' }) as HTMLInputElement;
    const to = el('select', { 'data-testid': 'reset-to' }, ...['earliest', 'latest', 'offset', 'timestamp'].map((m) => el('option', { value: m }, m))) as HTMLSelectElement;
    const at = el('input', { placeholder: 'offset or epoch ms', 'data-testid': 'reset-at' }) as HTMLInputElement;
    const reset = el('form', { class: 'inline', 'data-testid': 'reset-form', submit: (e: Event) => {
      e.preventDefault();
      const n = Number(at.value);
      void api('POST', `/groups/${enc(groupId)}/offsets`, { topic: topicIn.value, to: to.value, ...(to.value === 'offset' ? { offset: n } : to.value === 'timestamp' ? { timestamp: n } : {}) })
        .then((r: any) => say(`Reset ${r.offsets.length} partition(s) of ${r.topic}.`, 'ok'), (err: Error) => say(err.message, 'error'));
    } }, el('label', {}, 'Topic', topicIn), el('label', {}, 'To', to), el('label', {}, 'Offset / time', at), el('button', { type: 'submit' }, 'Reset offsets'));
    main.replaceChildren(el('h1', {}, 'Consumer group ', el('span', { 'data-testid': 'group-name' }, groupId)), body,
      el('section', { class: 'card' }, el('h2', {}, 'Reset offsets'), el('p', { class: 'muted' }, 'Only an empty group (no members) can be reset.'), reset));
    poll(async () => {
      const g = await api('GET', `/groups/${enc(groupId)}`);
      if (topicIn.value === '' && g.offsets.length > 0 && document.activeElement !== topicIn) topicIn.value = g.offsets[0].topic;
      body.replaceChildren(
        el('p', {}, el('span', { class: 'tag', 'data-testid': 'group-state' }, g.state), ' ', `${g.type} group · protocol ${g.protocol_type || '–'} · ${g.members.length} member(s)`),
        el('h2', {}, 'Members'),
        g.members.length === 0 ? el('p', { class: 'muted' }, 'No members.')
          : table(['Member', 'Client id', 'Host', 'Assignment'], g.members.map((m: any) => [m.member_id, m.client_id, m.host,
            m.assignment.map((a: any) => `${a.topic}: ${a.partitions.join(', ')}`).join('; ') || '–']), 'members-table'),
        el('h2', {}, 'Committed offsets and lag'),
        g.offsets.length === 0 ? el('p', { class: 'muted' }, 'No committed offsets.')
          : table(['Topic', 'Partition', 'Committed', 'End', 'Lag'], g.offsets.map((o: any) => [o.topic, o.partition, fmt(o.committed_offset), fmt(o.end_offset), el('span', { class: o.lag > 0 ? 'lag-high' : '', 'data-testid': `lag-${o.topic}-${o.partition}` }, fmt(o.lag))]), 'lag-table', [1, 2, 3, 4]));
    });
  }

  // ---------------------------------------------------------------- routing
  async function show(): Promise<void> {
    route++;
    if (timer !== undefined) window.clearTimeout(timer);
    live.textContent = '';
    const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    for (const a of Array.from(document.querySelectorAll('header nav a'))) a.classList.toggle('active', a.getAttribute('data-nav') === (parts[0] ?? 'overview'));
    try {
      if (parts.length === 0) overview();
      else if (parts[0] === 'topics' && parts.length === 1) await topics();
      else if (parts[0] === 'topics' && parts.length === 2) await topic(parts[1]!);
      else if (parts[0] === 'topics' && parts[2] === 'messages') await messages(parts[1]!, new URLSearchParams(query));
      else if (parts[0] === 'groups' && parts.length === 1) await groups();
      else if (parts[0] === 'groups' && parts.length === 2) group(parts[1]!);
      else main.replaceChildren(el('p', {}, 'Not found.'));
    } catch (err) {
      say((err as Error).message, 'error');
    }
  }
  window.addEventListener('hashchange', () => {
    if (Date.now() - saidAt > 1000) notice.hidden = true; // a notice that caused this navigation stays
    void show();
  });
  void show();
}

/** The script served as /console/app.js. */
export const CONSOLE_JS = `"use strict";\n(${consoleApp.toString()})();\n`;

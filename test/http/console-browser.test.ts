// The web console driven in Debian's Chromium (/usr/bin/chromium, never a downloaded browser) through
// playwright-core, against a real broker: the overview, creating a topic, producing (by key, with
// headers), browsing from the start, an offset and a time with a search over the page, a consumer
// group's members, lag and offset reset (refused while KafkaJS is a member), deleting a topic; and record
// data made of markup stays text. Screenshots go to $MINIKAFKA_ARTIFACTS_DIR (default
// dist/test-artifacts/console). Skips, saying why, without Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { chromium, type Page } from 'playwright-core';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { partitionForKey } from '../../src/partitioner.js';
import { TEST_BROKER_CONFIG } from '../../src/testing/test-config.js';

const CHROMIUM = process.env['MINIKAFKA_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = process.env['MINIKAFKA_ARTIFACTS_DIR'] ?? path.join('dist', 'test-artifacts', 'console');


const MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

test('the console in Chromium: create a topic, produce, browse, search, see and reset a group\'s lag, delete', { timeout: 180_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is missing (apt-get install chromium)`;
    process.stdout.write(`# console browser test skipped: ${why}\n`);
    t.skip(why);
    return;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, logger: createLogger('silent'), config: { ...TEST_BROKER_CONFIG, 'auto.create.topics.enable': false } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const kafka = new kafkajs.Kafka({ clientId: 'browser-test', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'live-readers', sessionTimeout: 6000, heartbeatInterval: 500 });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e: Error) => pageErrors.push(e.message));
    // 4xx answers the test provokes (409, a group not formed yet) are logged by Chromium as failed loads.
    page.on('console', (m: any) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text()); });
    /** Waits until the notice line matches (it stays up across navigations, so wait for the new text). */
    const notice = async (re: RegExp): Promise<void> => {
      try {
        await page.waitForFunction(([src, flags]: string[]) => !document.getElementById('notice')!.hidden && new RegExp(src!, flags).test(document.getElementById('notice')!.textContent ?? ''), [re.source, re.flags], { timeout: 10_000 });
      } catch {
        assert.fail(`the notice says ${JSON.stringify(await page.locator('#notice').textContent())}, not ${re}`);
      }
    };

    // Overview
    await page.goto(broker.httpUrl!);
    await page.getByTestId('stat-topics').waitFor();
    assert.match((await page.getByTestId('stat-partitions').textContent()) ?? '', /Partitions/);

    // Create a topic with a config
    await page.click('a[data-nav=topics]');
    await page.getByTestId('new-topic-name').fill('clicks');
    await page.getByTestId('new-topic-partitions').fill('3');
    await page.getByTestId('new-topic-configs').fill('retention.ms=3600000');
    await page.click('[data-testid=create-topic] button[type=submit]');
    await page.getByTestId('topic-name').waitFor();
    assert.equal(await page.getByTestId('topic-name').textContent(), 'clicks');
    await notice(/Created topic clicks/);
    assert.equal(broker.state.store.topic('clicks')?.partitions, 3, 'the broker has the topic');
    assert.equal(broker.state.store.topic('clicks')?.configs['retention.ms'], '3600000');
    assert.match((await page.getByTestId('configs-table').textContent()) ?? '', /retention\.ms3600000override/);

    // Produce: by key (the broker picks murmur2(key) % 3), with headers; a value made of markup.
    const partition = partitionForKey(Buffer.from('user-7'), 3);
    await page.getByTestId('produce-key').fill('user-7');
    await page.getByTestId('produce-value').fill(JSON.stringify({ page: '/home', ms: 42 }));
    await page.getByTestId('produce-headers').fill('source=browser\ntrace=abc');
    await page.click('[data-testid=produce-form] button[type=submit]');
    await notice(new RegExp(`Produced to partition ${partition} at offset 0`));
    await page.getByTestId('produce-value').fill(MARKUP);
    await page.getByTestId('produce-headers').fill(`evil=${MARKUP}`);
    await page.click('[data-testid=produce-form] button[type=submit]');
    await page.waitForFunction(() => /offset 1\./.test(document.getElementById('notice')?.textContent ?? ''));
    for (let i = 0; i < 8; i++) {
      await page.getByTestId('produce-value').fill(`click ${i}`);
      await page.getByTestId('produce-headers').fill('');
      await page.click('[data-testid=produce-form] button[type=submit]');
      await page.waitForFunction((n: number) => new RegExp(`offset ${n}\\.`).test(document.getElementById('notice')?.textContent ?? ''), i + 2);
    }
    await page.reload();
    await page.getByTestId('partitions-table').waitFor();
    const rows = await page.locator('[data-testid=partitions-table] tbody tr').allTextContents();
    assert.equal(rows[partition], `${partition}01010`, 'the partition holds the 10 records');
    await shot(page, '1-topic');

    // Browse from the start: key, pretty JSON value, headers, and the markup as text.
    await page.getByTestId('browse-link').click();
    await page.getByTestId('browse-partition').selectOption(String(partition));
    await page.click('[data-testid=browse-form] button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=records-table] tr.record').length === 10);
    const first = page.locator('tr.record[data-offset="0"]');
    assert.equal(await first.getByTestId('record-key').textContent(), 'user-7');
    assert.equal(await first.getByTestId('record-value').textContent(), JSON.stringify({ page: '/home', ms: 42 }, null, 2));
    assert.match((await first.textContent()) ?? '', /source browser.*trace abc/);
    const evil = page.locator('tr.record[data-offset="1"]');
    assert.equal(await evil.getByTestId('record-value').textContent(), MARKUP, 'markup is shown as the text it is');
    assert.equal(await page.locator('main img, main script').count(), 0, 'no element came from record data');
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined, 'no record data ran');
    await shot(page, '2-messages');

    // Search the loaded page
    await page.getByTestId('browse-search').fill('click 3');
    assert.equal(await page.locator('tr.record:not([hidden])').count(), 1);
    assert.equal(await page.locator('tr.record:not([hidden])').getAttribute('data-offset'), '5');
    await page.getByTestId('browse-search').fill('');

    // From an offset, with a page size: a next page follows.
    await page.getByTestId('browse-mode').selectOption('offset');
    await page.getByTestId('browse-at').fill('4');
    await page.getByTestId('browse-limit').fill('3');
    await page.click('[data-testid=browse-form] button[type=submit]');
    await page.waitForFunction(() => document.querySelector('tr.record')?.getAttribute('data-offset') === '4');
    assert.deepEqual(await page.locator('tr.record').evaluateAll((trs: Element[]) => trs.map((tr) => tr.getAttribute('data-offset'))), ['4', '5', '6']);
    await page.getByTestId('browse-next').click();
    await page.waitForFunction(() => document.querySelector('tr.record')?.getAttribute('data-offset') === '7');

    // From a time: the first record at or after it.
    const log = broker.state.store.partition('clicks', partition);
    const at = log.offsetForTimestamp(0)!;
    assert.equal(at.offset, 0);
    await page.getByTestId('browse-mode').selectOption('timestamp');
    await page.getByTestId('browse-at').fill(new Date(Date.now() + 60_000).toISOString());
    await page.click('[data-testid=browse-form] button[type=submit]');
    await page.waitForFunction(() => /0 record\(s\) from offset 10/.test(document.querySelector('[data-testid=browse-summary]')?.textContent ?? ''));

    // A group with a member (KafkaJS): its assignment and lag; a reset is refused with the reason.
    await consumer.connect();
    await consumer.subscribe({ topic: 'clicks', fromBeginning: true });
    let consumed = 0;
    await consumer.run({ autoCommitInterval: 100, eachMessage: async () => { consumed++; } });
    await page.goto(`${broker.httpUrl}/#/groups/live-readers`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=members-table] tbody tr').length === 1 && document.querySelector('[data-testid=group-state]')?.textContent === 'Stable', undefined, { timeout: 30_000 });
    assert.match((await page.getByTestId('members-table').textContent()) ?? '', /browser-test.*clicks: 0, 1, 2/);
    await page.waitForFunction((p: number) => document.querySelector(`[data-testid="lag-clicks-${p}"]`)?.textContent === '0', partition, { timeout: 30_000 });
    assert.equal(consumed, 10);
    await page.getByTestId('reset-topic').fill('clicks');
    await page.click('[data-testid=reset-form] button[type=submit]');
    await notice(/^409: .*1 member/);
    await shot(page, '3-group');
    await consumer.disconnect();

    // Empty now: reset to the start, and the lag is every record.
    await page.waitForFunction(() => document.querySelector('[data-testid=group-state]')?.textContent === 'Empty', undefined, { timeout: 30_000 });
    await page.getByTestId('reset-to').selectOption('earliest');
    await page.click('[data-testid=reset-form] button[type=submit]');
    await page.waitForFunction(() => /Reset 3 partition\(s\) of clicks/.test(document.getElementById('notice')?.textContent ?? ''));
    await page.waitForFunction((p: number) => document.querySelector(`[data-testid="lag-clicks-${p}"]`)?.textContent === '10', partition, { timeout: 10_000 });
    await page.click('a[data-nav=groups]');
    await page.getByTestId('groups-table').waitFor();
    assert.match((await page.getByTestId('groups-table').textContent()) ?? '', /live-readers.*Empty010/);

    // Overview counts what came in; then delete the topic.
    await page.click('a[data-nav=overview]');
    // Messages in counts every append, the group's offset commits in __consumer_offsets too.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=stat-messages] .value')?.textContent?.replace(/,/g, '')) >= 10);
    assert.equal(await page.getByTestId('stat-topics').locator('.value').textContent(), String(broker.state.store.topics().length));
    await shot(page, '0-overview');
    await page.goto(`${broker.httpUrl}/#/topics/clicks`);
    page.once('dialog', (d: any) => void d.accept());
    await page.getByTestId('delete-topic').click();
    await notice(/Deleted topic clicks/);
    assert.equal(broker.state.store.topic('clicks'), undefined);
    assert.deepEqual(pageErrors, [], 'no script errors in the page');
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await browser.close();
    await broker.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFormat, messageJson, type FormattableMessage } from '../../src/cli/format.js';
import { renderTable, toJson } from '../../src/cli/output.js';
import { ProgressBar, formatBytes } from '../../src/cli/progress.js';
import { runCommand, commandHelp, type CommandSpec } from '../../src/cli/command.js';
import { UsageError, keyValues } from '../../src/cli/args.js';

const message: FormattableMessage = {
  topic: 't',
  partition: 2,
  offset: 41n,
  timestamp: 1700000000000,
  key: Buffer.from('k1'),
  value: Buffer.from('hello'),
  headers: [{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: null }],
};

test('format tokens: key, value, partition, offset, headers, timestamp, topic, lengths, escapes', () => {
  assert.equal(compileFormat('%k:%v p=%p o=%o')(message), 'k1:hello p=2 o=41\n');
  assert.equal(compileFormat('%t|%T|%h|%K|%S|100%%\\t.\\n')(message), 't|1700000000000|a=1,b=|2|5|100%\t.\n');
  assert.equal(compileFormat('%k/%v/%K')({ ...message, key: null }), '/hello/-1\n');
});

test('an unknown format token is a usage error', () => {
  assert.throws(() => compileFormat('%q'), UsageError);
  assert.throws(() => compileFormat('trailing %'), UsageError);
});

test('message JSON keeps offsets exact and headers in order', () => {
  assert.deepEqual(JSON.parse(toJson(messageJson({ ...message, offset: 2n ** 60n }))), {
    topic: 't', partition: 2, offset: '1152921504606846976', timestamp: 1700000000000, key: 'k1', value: 'hello',
    headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }],
  });
});

test('tables align columns, right-align numbers, show missing values as -', () => {
  assert.equal(renderTable(['topic', 'partitions'], [['a', 1], ['longer', 12n], ['c', null]]), 'TOPIC   PARTITIONS\na                1\nlonger          12\nc                -\n');
});

test('the progress bar draws only on a terminal, and ends its line', () => {
  const written: string[] = [];
  const pipe = { isTTY: false, write: (s: string) => written.push(s) > 0 };
  const quiet = new ProgressBar(1000, pipe);
  quiet.update(500, 5, true);
  quiet.finish(1000, 10);
  assert.equal(written.length, 0);
  const tty = { isTTY: true, columns: 80, write: (s: string) => written.push(s) > 0 };
  const bar = new ProgressBar(1000, tty, true, 0);
  bar.update(500, 5);
  bar.finish(1000, 10);
  assert.match(written[0]!, /^\r\[#+-+\]  50% 500 B\/1000 B 5 msgs/);
  assert.match(written[1]!, /100%/);
  assert.equal(written[written.length - 1], '\n');
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MiB');
});

test('commands refuse unknown options and wrong argument counts; --help wins', async () => {
  let ran = 0;
  const spec: CommandSpec = {
    path: ['demo'], summary: 'a demo', synopsis: 'TOPIC', positionalMin: 1, client: true,
    options: [{ name: 'count', arg: 'N', help: 'how many' }, { name: 'fast', help: 'go fast' }],
    run: async (args) => {
      ran++;
      assert.equal(args.bootstrap, 'h:1');
      assert.equal(args.json, true);
      assert.ok(args.flags.has('fast'));
      return 0;
    },
  };
  await assert.rejects(runCommand(spec, ['t', '--nope']), /unknown option --nope/);
  await assert.rejects(runCommand(spec, []), /missing TOPIC/);
  await assert.rejects(runCommand(spec, ['a', 'b']), /unexpected argument 'b'/);
  assert.equal(await runCommand(spec, ['t', '--bootstrap=h:1', '--json', '--fast', '--count', '3']), 0);
  assert.equal(ran, 1);
  assert.match(commandHelp(spec), /--bootstrap HOST:PORT/);
  assert.deepEqual(keyValues(['a=1,b=x=y'], 'headers', true), [['a', '1'], ['b', 'x=y']]);
  assert.throws(() => keyValues(['novalue'], 'config', false), UsageError);
});

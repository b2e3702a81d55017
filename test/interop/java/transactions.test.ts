/**
 * Kafka's Java client (kafka-clients 4.4 from Maven Central, Transactions.java run as a single-file
 * program) exactly-once against the broker: a transactional producer commits, aborts and commits again
 * with sendOffsetsToTransaction; a read_committed consumer sees only committed records, a
 * read_uncommitted one all of them; the group's offset is the committed transaction's, never the aborted
 * one's; the Java Admin's describeProducers shows the open transaction; a second producer with the same
 * transactional.id aborts the first's open transaction and fences it: its send fails with
 * InvalidProducerEpochException, its abort and commit with ProducerFencedException, as against Kafka.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBroker } from '../../broker/harness.js';
import { ProtocolTrace } from '../../../src/broker/protocol-trace.js';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('../../../../test/interop/java/', import.meta.url));
const work = fileURLToPath(new URL('./work/', import.meta.url));
const skip = ['java', 'mvn'].every((c) => spawnSync(c, ['-version'], { stdio: 'ignore' }).status === 0) ? false : 'java or mvn not installed (apt-get install openjdk-17-jdk-headless maven)';

/** The classpath of pom.xml's dependencies, resolved by Maven: offline first. */
async function classpath(): Promise<string> {
  mkdirSync(work, { recursive: true });
  const file = `${work}classpath-txn.txt`;
  const mvn = (offline: boolean) => run('mvn', ['-q', '-B', ...(offline ? ['-o'] : []), '-f', `${dir}pom.xml`, 'dependency:build-classpath', `-Dmdep.outputFile=${file}`, '-Dmdep.includeScope=runtime'], { timeout: 300_000 });
  await mvn(true).catch(() => mvn(false));
  return readFileSync(file, 'utf8').trim();
}

test('Java client (kafka-clients 4.4): transactions, read_committed and read_uncommitted, sendOffsetsToTransaction, describeProducers, fencing', { timeout: 400_000, skip }, async () => {
  const cp = await classpath();
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const trace = new ProtocolTrace(broker);
  try {
    const { stdout } = await run('java', ['-cp', cp, `${dir}Transactions.java`, broker.bootstrap, 'java-eos'], { timeout: 180_000 });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.deepEqual(seen.readCommitted, ['c1', 'c2', 'c3', 'c4', 'p3'], 'committed records only; f1 and g1 were aborted by the fencing');
    assert.deepEqual(seen.readUncommitted, ['c1', 'c2', 'c3', 'a1', 'a2', 'c4', 'f1', 'g1', 'p3']);
    assert.equal(seen.committedOffset, 3, 'the committed transaction\'s offset; the aborted one\'s 99 was dropped');
    assert.equal(seen.describeProducersOpen.length, 1);
    assert.equal(seen.describeProducersOpen[0].txnStartOffset, 4, 'a1 opened the transaction after c1-c3 and their marker');
    assert.equal(seen.afterCommit, -1);
    assert.deepEqual([seen.fencedSend, seen.fencedAbort, seen.fencedCommit], ['InvalidProducerEpochException', 'ProducerFencedException', 'ProducerFencedException'], 'as against Kafka (its TransactionsTest)');
    const apis = new Set(trace.requests({}).map((t) => t.api));
    for (const api of ['InitProducerId', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn', 'DescribeProducers']) {
      assert.ok(apis.has(api), `the Java client called ${api}`);
    }
  } finally {
    trace.stop();
    await broker.close();
  }
});

// A broker process for test/invariant.test.ts: DescribeCluster fails with an ordinary bug (one request's
// problem), Metadata with a broken invariant (the process's problem). Prints {"msg":"ready","bootstrap"}.
import { startBroker } from '../../src/broker/broker.js';
import { ApiKey } from '../../src/protocol/generated/index.js';
import { InvariantError } from '../../src/invariant.js';

const broker = await startBroker({ port: 0, host: '127.0.0.1', dataDir: ':memory:' });
broker.state.registry.wrap(ApiKey.DescribeCluster, () => () => {
  throw new Error('an ordinary bug in one request');
});
broker.state.registry.wrap(ApiKey.Metadata, () => () => Promise.reject(new InvariantError('planted invariant failure')));
process.stdout.write(JSON.stringify({ msg: 'ready', bootstrap: broker.bootstrap }) + '\n');

/** Starts an in-process broker on 127.0.0.1 with a free port and a log sink the test can read. */
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';

export interface TestBroker extends RunningBroker {
  /** Parsed log lines, warn and above unless `logLevel` says otherwise. */
  logs: Record<string, unknown>[];
  /** Characters of log output written so far (every level). */
  logChars(): number;
}

export async function startTestBroker(config: Record<string, string | number | boolean> = {}, dataDir?: string): Promise<TestBroker> {
  const logs: Record<string, unknown>[] = [];
  let chars = 0;
  const logger = createLogger('debug', (line) => {
    chars += line.length;
    logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir, config, logger });
  return Object.assign(broker, { logs, logChars: () => chars });
}

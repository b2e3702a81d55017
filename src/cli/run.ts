/**
 * `minikafka run [--set name=value ...] -- COMMAND [ARGS...]`: starts a broker on a free port with a
 * temporary data dir, runs COMMAND with MINIKAFKA_BOOTSTRAP (and KAFKA_BOOTSTRAP_SERVERS) set to its
 * address, stops the broker when the command ends and exits with the command's status. One broker
 * for a whole test run, whatever the runner: `minikafka run -- node --test`, `minikafka run -- pytest`.
 */
import { spawn } from 'node:child_process';
import { UsageError } from './args.js';
import { startBroker } from '../broker/broker.js';
import { createLogger } from '../broker/logger.js';
import { TEST_BROKER_CONFIG } from '../testing/test-config.js';

const help = `minikafka run: run a command beside a temporary broker

Usage: minikafka run [--set name=value ...] -- COMMAND [ARGS...]

The broker listens on 127.0.0.1 on a free port; its address is in MINIKAFKA_BOOTSTRAP and
KAFKA_BOOTSTRAP_SERVERS for the command. The data is removed and the exit status is the command's.
`;

export async function runCommandWithBroker(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(help);
    return 0;
  }
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  if (command.length === 0) throw new UsageError(`a command is needed after --\n\n${help}`);
  const config: Record<string, string> = {};
  for (let i = 0; i < own.length; i++) {
    const kv = own[i] === '--set' ? own[++i] : undefined;
    if (kv === undefined || kv.indexOf('=') <= 0) throw new UsageError(`unexpected argument '${own[i] ?? ''}'\n\n${help}`);
    config[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  }
  // No dataDir: a temporary directory, removed when the broker closes.
  const broker = await startBroker({ host: '127.0.0.1', port: 0, config: { ...TEST_BROKER_CONFIG, ...config }, logger: createLogger('warn', (line) => process.stderr.write(line)) });
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, MINIKAFKA_BOOTSTRAP: broker.bootstrap, KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap },
      });
      const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
        resolve(code ?? (signal === null ? 1 : 128 + (signalNumbers[signal] ?? 0)));
      });
    });
  } finally {
    await broker.close();
  }
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

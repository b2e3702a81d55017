#!/usr/bin/env node
/** The `minikafka` command. */
import { startCommand } from './start.js';
import { UsageError } from './args.js';

const usage = `minikafka: a single-node Kafka-compatible broker

Usage:
  minikafka start [--host H] [--port P] [--data-dir DIR] [--config FILE] [--set name=value ...] [--log-level L]
  minikafka --help

Run 'minikafka <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return startCommand(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(usage + '\n');
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command '${command}'\n\n${usage}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);

/** `minikafka start`: run the broker in the foreground until SIGTERM/SIGINT (a second signal forces exit). */
import { parseArgs, option, UsageError } from './args.js';
import { readPropertiesFile } from '../broker/config.js';
import { startBroker } from '../broker/broker.js';

const help = `minikafka start: run the broker

Options:
  --host H           address to bind (default localhost; overrides 'listeners')
  --port P           port to bind, 0 for any free port (default 9092)
  --data-dir DIR     data directory (default ./data; Kafka's 'log.dirs')
  --config FILE      a Kafka-style .properties file
  --set name=value   set one config, repeatable (e.g. --set num.partitions=4)
  --log-level L      debug, info, warn, error or silent (default info)
  --http-port P      HTTP port (REST proxy, /metrics, health; default 8082, or any free port with --port 0)
  --no-http          no HTTP listener
  --trace FILE       append every request and response, decoded, to FILE (JSON lines)
  --tls-self-signed  development TLS: a throwaway CA and broker certificate in DATA_DIR/~security/tls,
                     and an SSL listener on port+1 (9093) unless 'listeners' names one
`;

export async function startCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['help', 'no-http', 'tls-self-signed']);
  if (args.flags.has('help')) {
    process.stdout.write(help);
    return 0;
  }
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'\n\n${help}`);
  const config: Record<string, string> = {};
  const file = option(args, 'config');
  if (file !== undefined) Object.assign(config, readPropertiesFile(file));
  for (const kv of args.options.get('set') ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects name=value, got '${kv}'`);
    config[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const logLevel = option(args, 'log-level');
  if (logLevel !== undefined) config['minikafka.log.level'] = logLevel;
  const host = option(args, 'host');
  const port = option(args, 'port');
  const dataDir = option(args, 'data-dir');
  const httpPort = option(args, 'http-port');
  // The command serves HTTP unless told not to (embedded brokers only when configured).
  if (args.flags.has('no-http')) config['minikafka.http.listeners'] = '';
  else if (httpPort !== undefined) config['minikafka.http.listeners'] = `http://${host ?? 'localhost'}:${Number(httpPort)}`;
  // With --port 0 (any free port) HTTP takes any free port too, so brokers started that way never clash.
  else config['minikafka.http.listeners'] ??= `http://${host ?? 'localhost'}:${port === '0' ? 0 : 8082}`;
  const resolvedDataDir = dataDir ?? config['log.dirs'] ?? './data';
  let trustHint: string | undefined;
  if (args.flags.has('tls-self-signed')) {
    const { ensureSelfSignedCertificates } = await import('../security/self-signed.js');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(resolvedDataDir, { recursive: true });
    const files = ensureSelfSignedCertificates(resolvedDataDir, host === undefined ? [] : [host]);
    config['ssl.keystore.location'] ??= files.keystore;
    const listeners = config['listeners'] ?? `PLAINTEXT://${host ?? 'localhost'}:${port ?? 9092}`;
    if (!/(^|,)\s*(SSL|SASL_SSL):\/\//i.test(listeners)) {
      const sslPort = port === '0' ? 0 : Number(port ?? 9092) + 1;
      config['listeners'] = `${listeners},SSL://${host ?? 'localhost'}:${sslPort}`;
    }
    trustHint = files.caCert;
  }
  const broker = await startBroker({
    host,
    port: port === undefined ? undefined : Number(port),
    dataDir: resolvedDataDir,
    config,
  });
  if (trustHint !== undefined) {
    const ssl = broker.listeners.find((l) => l.protocol === 'SSL' || l.protocol === 'SASL_SSL');
    process.stderr.write(`minikafka: development TLS on ${ssl?.bootstrap ?? '(no SSL listener)'}; clients trust ${trustHint}\n`
      + `  kcat -b ${ssl?.bootstrap ?? 'HOST:PORT'} -X security.protocol=SSL -X ssl.ca.location=${trustHint} -L\n`
      + `  new Producer({ bootstrap: '${ssl?.bootstrap ?? 'HOST:PORT'}', ssl: { ca: readFileSync('${trustHint}') } })\n`);
  }
  const traceFile = option(args, 'trace');
  const tracing = traceFile === undefined ? undefined : (await import('../broker/protocol-trace.js')).traceToFile(broker, traceFile);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      broker.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    broker.log.info({ signal }, 'shutting down');
    broker.close().then(() => tracing?.close()).then(
      () => process.exit(0),
      (err: unknown) => {
        broker.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return 0;
}

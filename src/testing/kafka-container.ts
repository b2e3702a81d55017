// A drop-in for @testcontainers/kafka's KafkaContainer: the same builder calls and started-container
// getters that tests use, backed by an in-process minikafka instead of a Docker container, so switching
// a test suite is a change of import:
//
//   import { KafkaContainer } from 'minikafka/testing';      // was '@testcontainers/kafka'
//   const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
//   const brokers = [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`];
//   ...
//   await kafka.stop();
//
// What carries over: `withEnvironment({ KAFKA_X_Y: v })` sets the broker config `x.y` when minikafka
// has it (KAFKA_AUTO_CREATE_TOPICS_ENABLE, KAFKA_NUM_PARTITIONS, KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS,
// ...); `withSaslSslListener` adds a SASL_SSL listener with a SCRAM user, as the Kafka module does;
// settings that only make sense for a Docker container or a replicated cluster (listeners, replication
// factors, the image, networks, mounts, wait strategies) are accepted and ignored, and listed by
// `ignoredSettings()` so nothing is silently mistaken for applied.
import { randomUUID } from 'node:crypto';
import { startBroker, type RunningBroker } from '../broker/broker.js';
import { configDefs } from '../broker/config.js';
import { createLogger, type Logger } from '../broker/logger.js';
import { TEST_BROKER_CONFIG } from './test-config.js';
import { Admin } from '../client/admin.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The port tests ask for: testcontainers' Kafka module exposes the client listener as 9093. */
export const KAFKA_PORT = 9093;

/** testcontainers' `withSaslSslListener` options: a SASL_SSL listener with one SCRAM user. */
export interface SaslSslListenerOptions {
  /** The container port tests pass to getMappedPort for this listener. */
  port: number;
  sasl: { mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; user: { name: string; password: string } };
  /** The broker's key and certificate chain as a PKCS12 file (JKS is not supported). */
  keystore: { content: Buffer | string; passphrase: string };
  /** Accepted for compatibility; clients bring their own trust (the broker does not ask for client certificates). */
  truststore?: { content: Buffer | string; passphrase: string };
}

/** Configs the container decides itself: where it listens and where its data lives. */
const OWNED_CONFIGS = new Set(['listeners', 'advertised.listeners', 'log.dirs']);

/** Maps KAFKA_FOO_BAR to foo.bar, Confluent's image convention (`__` is `_`, `___` is `-`). */
export function configNameFromEnv(variable: string): string | undefined {
  if (!variable.startsWith('KAFKA_')) return undefined;
  return variable.slice('KAFKA_'.length).toLowerCase().replace(/___/g, '\u0001').replace(/__/g, '\u0002').replace(/_/g, '.')
    .replace(/\u0001/g, '-').replace(/\u0002/g, '_');
}

export class KafkaContainer {
  private readonly environment: Record<string, string> = {};
  private readonly exposedPorts = new Set<number>([KAFKA_PORT]);
  private readonly ignored: string[] = [];
  private name: string | undefined;
  private labels: Record<string, string> = {};
  private dataDir: string | undefined;
  private logger: Logger | undefined;
  private hostPort = 0;
  private reuse = false;
  private saslSsl: SaslSslListenerOptions | undefined;

  /** The image is recorded, not pulled: minikafka serves the Kafka protocol itself. */
  constructor(readonly image = 'minikafka') {}

  /** KRaft is the only mode there is (minikafka has no ZooKeeper): a no-op. */
  withKraft(): this {
    return this;
  }

  /** Ignored: there is no ZooKeeper to point at. */
  withZooKeeper(host: string, port: number): this {
    this.ignored.push(`withZooKeeper(${host}, ${port})`);
    return this;
  }

  /** Ports tests may pass to getMappedPort; every one maps to the broker's single listener. */
  withExposedPorts(...ports: Array<number | { container: number; host: number }>): this {
    for (const p of ports) {
      if (typeof p === 'number') this.exposedPorts.add(p);
      else {
        this.exposedPorts.add(p.container);
        this.hostPort = p.host;
      }
    }
    return this;
  }

  /** KAFKA_* variables become broker configs where minikafka has them; others are listed as ignored. */
  withEnvironment(environment: Record<string, string>): this {
    Object.assign(this.environment, environment);
    return this;
  }

  /**
   * A second listener, SASL_SSL with SCRAM, beside the plaintext one, as testcontainers' Kafka module
   * sets up: `getMappedPort(options.port)` is its port; the user is created before start() resolves.
   */
  withSaslSslListener(options: SaslSslListenerOptions): this {
    this.saslSsl = options;
    this.exposedPorts.add(options.port);
    return this;
  }

  withName(name: string): this {
    this.name = name;
    return this;
  }

  withLabels(labels: Record<string, string>): this {
    this.labels = { ...this.labels, ...labels };
    return this;
  }

  /** minikafka's own option: keep data in this directory (default: a temporary one, removed on stop). */
  withDataDir(dir: string): this {
    this.dataDir = dir;
    return this;
  }

  /** minikafka's own option: the broker's logger (default: warnings and errors, as JSON lines on stderr). */
  withLogger(logger: Logger): this {
    this.logger = logger;
    return this;
  }

  // Docker-only settings: accepted so existing builder chains compile and run, and recorded.
  withStartupTimeout(ms: number): this { return this.ignore(`withStartupTimeout(${ms})`); }
  withNetwork(_network: unknown): this { return this.ignore('withNetwork'); }
  withNetworkAliases(...aliases: string[]): this { return this.ignore(`withNetworkAliases(${aliases.join(', ')})`); }
  withNetworkMode(mode: string): this { return this.ignore(`withNetworkMode(${mode})`); }
  /** Like testcontainers' reuse: a second start with the same settings returns the running broker. */
  withReuse(): this {
    this.reuse = true;
    return this;
  }
  withWaitStrategy(_strategy: unknown): this { return this.ignore('withWaitStrategy'); }
  withLogConsumer(_consumer: unknown): this { return this.ignore('withLogConsumer'); }
  withCommand(command: string[]): this { return this.ignore(`withCommand(${command.join(' ')})`); }
  withEntrypoint(entrypoint: string[]): this { return this.ignore(`withEntrypoint(${entrypoint.join(' ')})`); }
  withCopyFilesToContainer(_files: unknown[]): this { return this.ignore('withCopyFilesToContainer'); }
  withCopyContentToContainer(_content: unknown[]): this { return this.ignore('withCopyContentToContainer'); }
  withBindMounts(_mounts: unknown[]): this { return this.ignore('withBindMounts'); }
  withTmpFs(_tmpFs: Record<string, string>): this { return this.ignore('withTmpFs'); }
  withPullPolicy(_policy: unknown): this { return this.ignore('withPullPolicy'); }
  withPlatform(platform: string): this { return this.ignore(`withPlatform(${platform})`); }
  withUser(user: string): this { return this.ignore(`withUser(${user})`); }
  withPrivilegedMode(): this { return this.ignore('withPrivilegedMode'); }
  withResourcesQuota(_quota: unknown): this { return this.ignore('withResourcesQuota'); }
  withSharedMemorySize(bytes: number): this { return this.ignore(`withSharedMemorySize(${bytes})`); }
  withAutoRemove(_autoRemove: boolean): this { return this.ignore('withAutoRemove'); }
  withHostname(hostname: string): this { return this.ignore(`withHostname(${hostname})`); }
  withExtraHosts(_hosts: unknown[]): this { return this.ignore('withExtraHosts'); }
  withHealthCheck(_check: unknown): this { return this.ignore('withHealthCheck'); }
  withDefaultLogDriver(): this { return this.ignore('withDefaultLogDriver'); }
  withIpcMode(mode: string): this { return this.ignore(`withIpcMode(${mode})`); }

  private ignore(what: string): this {
    this.ignored.push(what);
    return this;
  }

  /** The KAFKA_* settings this container will apply, as broker configs. */
  brokerConfig(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [variable, value] of Object.entries(this.environment)) {
      const name = configNameFromEnv(variable);
      if (name !== undefined && name in configDefs && !OWNED_CONFIGS.has(name)) out[name] = value;
    }
    return out;
  }

  /** Builder calls and environment variables that have no meaning for minikafka and were not applied. */
  ignoredSettings(): string[] {
    const applied = this.brokerConfig();
    const env = Object.keys(this.environment).filter((v) => {
      const name = configNameFromEnv(v);
      return name === undefined || !(name in applied);
    });
    return [...this.ignored, ...env.map((v) => `environment ${v}`)];
  }

  async start(): Promise<StartedKafkaContainer> {
    const reuseKey = this.reuse ? JSON.stringify([this.image, this.brokerConfig(), [...this.exposedPorts].sort(), this.dataDir ?? null, this.hostPort, this.saslSsl ?? null]) : undefined;
    const running = reuseKey === undefined ? undefined : reusable.get(reuseKey);
    if (running !== undefined && !running.stopped) return running;
    const started = await this.startNew();
    if (reuseKey !== undefined) reusable.set(reuseKey, started);
    return started;
  }

  private async startNew(): Promise<StartedKafkaContainer> {
    // The container owns a temporary data dir (not the broker), so that restart() keeps the data.
    const temporary = this.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'minikafka-container-')) : undefined;
    const dataDir = this.dataDir ?? temporary!;
    const logger = this.logger ?? createLogger('warn', (line) => process.stderr.write(line));
    const sasl = this.saslSsl;
    // The SASL_SSL listener's keystore goes to a private directory of its own (not the data dir: removed with the container).
    const keys = sasl === undefined ? undefined : mkdtempSync(join(tmpdir(), 'minikafka-container-keys-'));
    let saslPort = 0;
    const listenerConfig = (): Record<string, string> => {
      if (sasl === undefined) return {};
      const keystore = join(keys!, 'broker.p12');
      writeFileSync(keystore, sasl.keystore.content, { mode: 0o600 });
      return {
        'listeners': `PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:${saslPort}`,
        'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': keystore, 'ssl.keystore.password': sasl.keystore.passphrase,
        'sasl.enabled.mechanisms': sasl.sasl.mechanism,
      };
    };
    const open = async (port: number): Promise<RunningBroker> => {
      const broker = await startBroker({ host: '127.0.0.1', port, dataDir, config: { ...TEST_BROKER_CONFIG, ...this.brokerConfig(), ...listenerConfig() }, logger });
      if (sasl !== undefined) {
        saslPort = broker.listeners.find((l) => l.protocol === 'SASL_SSL')!.port;
        const admin = new Admin({ bootstrap: broker.bootstrap });
        try {
          await admin.upsertScramUser(sasl.sasl.user.name, sasl.sasl.user.password, sasl.sasl.mechanism);
        } finally {
          await admin.close();
        }
      }
      return broker;
    };
    const removeKeys = (): void => {
      if (keys !== undefined) rmSync(keys, { recursive: true, force: true });
    };
    try {
      return new StartedKafkaContainer(await open(this.hostPort), {
        name: this.name ?? `/minikafka-${randomUUID().slice(0, 8)}`,
        labels: this.labels,
        exposedPorts: [...this.exposedPorts],
        restart: open,
        saslSslPort: sasl?.port,
        removeData: () => {
          if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
          removeKeys();
        },
      });
    } catch (err) {
      if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
      removeKeys();
      throw err;
    }
  }
}

interface StartedSettings {
  name: string;
  labels: Record<string, string>;
  exposedPorts: number[];
  /** Starts a broker again on the same port and data (restart keeps what was written). */
  restart: (port: number) => Promise<RunningBroker>;
  /** Removes the data directory if the container made it. */
  removeData: () => void;
  /** The container port of withSaslSslListener, if any. */
  saslSslPort?: number;
}

/** Containers started withReuse(), by their settings (one process: reuse does not outlive it). */
const reusable = new Map<string, StartedKafkaContainer>();

/** What `KafkaContainer.start()` resolves with: the getters of testcontainers' StartedTestContainer. */
export class StartedKafkaContainer {
  private readonly id = randomUUID().replace(/-/g, '');
  /** Whether stop() ran. */
  stopped = false;

  constructor(private current: RunningBroker, private readonly settings: StartedSettings) {}

  /** The running broker, for minikafka's own helpers (`reset`, fault injection). */
  get broker(): RunningBroker {
    return this.current;
  }

  /** "host:port", ready for a client's bootstrap list. */
  get bootstrap(): string {
    return this.current.bootstrap;
  }

  getHost(): string {
    return this.current.host;
  }

  getHostname(): string {
    return this.current.host;
  }

  getIpAddress(_network?: string): string {
    return this.current.host;
  }

  /** The broker's port for any exposed port (9093 by default); like testcontainers, throws for others. */
  getMappedPort(port: number): number {
    if (!this.settings.exposedPorts.includes(port)) throw new Error(`No port mapping found for "${port}"`);
    if (port === this.settings.saslSslPort) return this.current.listeners.find((l) => l.protocol === 'SASL_SSL')!.port;
    return this.current.port;
  }

  getFirstMappedPort(): number {
    return this.current.port;
  }

  getId(): string {
    return this.id;
  }

  getName(): string {
    return this.settings.name;
  }

  getLabels(): Record<string, string> {
    return { ...this.settings.labels };
  }

  getNetworkNames(): string[] {
    return [];
  }

  /** Stops the broker cleanly and starts it again on the same port with the same data. */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error('restart: the container is stopped');
    const port = this.current.port;
    await this.current.close();
    this.current = await this.settings.restart(port);
  }

  /** Stops the broker and removes its data (unless withDataDir named the directory). */
  async stop(_options?: unknown): Promise<{ getId(): string }> {
    if (!this.stopped) {
      this.stopped = true;
      try {
        await this.current.close();
      } finally {
        this.settings.removeData();
      }
    }
    return { getId: () => this.id };
  }
}

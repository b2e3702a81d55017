// Isolation between tests that share one broker: each test names its topics and groups under its own
// prefix, so tests can run in parallel (Jest/Vitest workers, node:test concurrency) without seeing each
// other's data, and `reset` can remove one test's leftovers or all of them.
import { randomBytes } from 'node:crypto';
import { Admin } from '../client/admin.js';

/** Legal topic characters are [a-zA-Z0-9._-]; anything else in a test's name becomes '-'. */
const sanitize = (s: string): string => s.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);

export class TestNamespace {
  /** The prefix shared by every topic and group of this namespace, e.g. "t-orders-test-3f9a2c1b.". */
  readonly prefix: string;

  constructor(label = 'test') {
    this.prefix = `t-${sanitize(label) || 'test'}-${randomBytes(4).toString('hex')}.`;
  }

  /** A topic name private to this namespace. */
  topic(name: string): string {
    return this.prefix + name;
  }

  /** A consumer group id private to this namespace. */
  group(name: string): string {
    return this.prefix + name;
  }

  /** Whether a topic or group name belongs to this namespace. */
  owns(name: string): boolean {
    return name.startsWith(this.prefix);
  }
}

export interface ResetOptions {
  /** Only topics and groups whose names start with this prefix (a namespace's). Default: all of them. */
  prefix?: string;
}

/**
 * Deletes topics (internal ones excepted) and consumer groups over the Kafka protocol, so it works on
 * any broker a test points at. A group that still has members cannot be deleted (Kafka's
 * NON_EMPTY_GROUP): close the consumers first.
 */
export async function resetCluster(bootstrap: string, options: ResetOptions = {}): Promise<{ topics: string[]; groups: string[] }> {
  const keep = (name: string): boolean => options.prefix === undefined || name.startsWith(options.prefix);
  const admin = new Admin({ bootstrap });
  try {
    const groups = (await admin.listGroups()).map((g) => g.groupId).filter(keep);
    if (groups.length > 0) await admin.deleteGroups(groups);
    const topics = (await admin.listTopics()).filter(keep);
    if (topics.length > 0) await admin.deleteTopics(topics);
    return { topics, groups };
  } finally {
    await admin.close();
  }
}

/** Client construction for the CLI: one place that turns `--bootstrap` into client options. */
import { Admin } from '../client/admin.js';
import type { ClientOptions } from '../client/types.js';
import type { CommandArgs } from './command.js';
import { securityClientOptions } from './security.js';

export function clientOptions(args: CommandArgs): ClientOptions {
  const bootstrap = args.bootstrap.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { bootstrap, clientId: 'minikafka-cli', connectTimeoutMs: 5_000, retries: 2, ...securityClientOptions(args) };
}

/** Runs `fn` with an Admin client and always closes it. */
export async function withAdmin<T>(args: CommandArgs, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin(clientOptions(args));
  try {
    return await fn(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

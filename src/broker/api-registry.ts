/**
 * The one registry of supported APIs and versions (franz-go's regKey). ApiVersions is built from it;
 * a request outside it is answered UNSUPPORTED_VERSION where the protocol allows, else the connection closes.
 */
import type { ApiHandler } from './handler.js';
import { apiMessages } from '../protocol/generated/index.js';

export class ApiRegistry {
  private readonly byKey = new Map<number, ApiHandler>();

  register(handler: ApiHandler): void {
    if (this.byKey.has(handler.apiKey)) throw new Error(`api key ${handler.apiKey} registered twice`);
    const schema = apiMessages[handler.apiKey];
    if (!schema) throw new Error(`no schema for api key ${handler.apiKey}`);
    if (handler.minVersion < schema.minVersion || handler.maxVersion > schema.maxVersion) {
      throw new Error(`${handler.name}: versions ${handler.minVersion}-${handler.maxVersion} outside schema ${schema.minVersion}-${schema.maxVersion}`);
    }
    this.byKey.set(handler.apiKey, handler);
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.byKey.get(apiKey);
  }

  supports(apiKey: number, version: number): boolean {
    const h = this.byKey.get(apiKey);
    return h !== undefined && version >= h.minVersion && version <= h.maxVersion;
  }

  /** Sorted by key, as ApiVersions lists them. */
  list(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }
}

/**
 * The one registry of supported APIs and versions (franz-go's regKey). ApiVersions is built from it;
 * a request outside it is answered UNSUPPORTED_VERSION where the protocol allows, else the connection closes.
 */
import type { AnyApiHandler, ApiHandler } from './handler.js';
import { apiMessages } from '../protocol/generated/index.js';

export class ApiRegistry {
  private readonly byKey = new Map<number, ApiHandler>();
  /** Version caps set by tests that pretend to be an older Kafka (minikafka/testing's maxVersions). */
  private readonly caps = new Map<number, number>();

  register(handler: AnyApiHandler): void {
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

  /**
   * Puts `wrap(handler)` in the handler's place (fault injection in tests); returns the undo. The
   * wrapper serves the same key and versions.
   */
  wrap(apiKey: number, wrap: (inner: ApiHandler) => ApiHandler['handle']): () => void {
    const inner = this.byKey.get(apiKey);
    if (inner === undefined) throw new Error(`api key ${apiKey} is not registered`);
    const wrapped: ApiHandler = { ...inner, handle: wrap(inner) };
    this.byKey.set(apiKey, wrapped);
    return () => {
      if (this.byKey.get(apiKey) === wrapped) this.byKey.set(apiKey, inner);
    };
  }

  /** Serves `apiKey` only up to `maxVersion` (undefined: the handler's own range again). */
  capVersion(apiKey: number, maxVersion: number | undefined): void {
    if (maxVersion === undefined) this.caps.delete(apiKey);
    else this.caps.set(apiKey, maxVersion);
  }

  private maxVersionOf(h: ApiHandler): number {
    return Math.min(h.maxVersion, this.caps.get(h.apiKey) ?? h.maxVersion);
  }

  supports(apiKey: number, version: number): boolean {
    const h = this.byKey.get(apiKey);
    return h !== undefined && version >= h.minVersion && version <= this.maxVersionOf(h);
  }

  /** Sorted by key, as ApiVersions lists them; a key capped below its minimum is not listed. */
  list(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.byKey.values()]
      .filter((h) => this.maxVersionOf(h) >= h.minVersion)
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: this.maxVersionOf(h) }));
  }
}

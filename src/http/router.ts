/** A small path router: patterns like `/v3/clusters/:cluster/topics/:topic`, matched segment by segment. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpAccess } from './auth.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Who is calling and what the broker's authorizer lets them do. */
  access: HttpAccess;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler and path parameters for a request; `{ allow }` when the path exists for other methods only. */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | { allow: string[] } | undefined {
    const parts = path.split('/').filter(Boolean);
    const allow = new Set<string>();
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = r.segments[i]!;
        if (seg.startsWith(':')) {
          try {
            params[seg.slice(1)] = decodeURIComponent(parts[i]!);
          } catch {
            ok = false;
          }
        } else ok = seg === parts[i];
      }
      if (!ok) continue;
      if (r.method === method) return { handler: r.handler, params };
      allow.add(r.method);
    }
    return allow.size > 0 ? { allow: [...allow].sort() } : undefined;
  }
}

/** Shared by the group handlers: error names from the coordinator → Kafka codes, and the client host as Kafka prints it. */
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupErrorName } from '../../group/types.js';
import type { RequestContext } from '../handler.js';

export function code(name: GroupErrorName): number {
  return ErrorCode[name];
}

/** Kafka shows the member's address as "/host". */
export function clientHost(ctx: RequestContext): string {
  const i = ctx.remote.lastIndexOf(':');
  return `/${i > 0 ? ctx.remote.slice(0, i) : ctx.remote}`;
}

import type { Assignor } from './types.js';
import { uniformAssign } from './uniform.js';
import { rangeAssign } from './range.js';

export * from './types.js';
export { uniformAssign } from './uniform.js';
export { rangeAssign } from './range.js';

/** Server assignors by the names clients send (group.remote.assignor); the first is the default. */
export const serverAssignors: ReadonlyMap<string, Assignor> = new Map([
  ['uniform', uniformAssign],
  ['range', rangeAssign],
]);

export const defaultServerAssignor = 'uniform';

/** Server-side assignors (KIP-848) are pure functions of (members, subscriptions, partitions, previous assignment). */
import type { TopicPartitions } from '../types.js';

export interface AssignorMember {
  memberId: string;
  /** Subscribed topics that exist (names). */
  topics: ReadonlySet<string>;
}

export interface AssignmentSpec {
  members: readonly AssignorMember[];
  /** Every topic some member subscribes to → its partition count. */
  partitionCounts: ReadonlyMap<string, number>;
  /** The previous target assignment, memberId → partitions (stickiness). */
  previous: ReadonlyMap<string, TopicPartitions>;
}

/** memberId → topic → partitions ascending; every member of the spec has an entry (maybe empty). */
export type Assignment = Map<string, TopicPartitions>;

export type Assignor = (spec: AssignmentSpec) => Assignment;

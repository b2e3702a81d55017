/**
 * Feature flags (KIP-584) as Kafka 4.0 reports them in ApiVersions v3+: what this broker supports and the
 * finalized levels, which are fixed (one node, nothing to upgrade). A feature at level 0 is not listed
 * as finalized, as in Kafka. transaction.version stays 0 until KIP-890's second part is served.
 */
export interface Feature {
  name: string;
  minVersion: number;
  maxVersion: number;
  finalized: number;
}

export const features: readonly Feature[] = [
  // 3.3-IV3 (7) .. 4.0-IV3 (25): the range Kafka 4.0 supports; finalized at Kafka 4.0's level.
  { name: 'metadata.version', minVersion: 7, maxVersion: 25, finalized: 25 },
  { name: 'kraft.version', minVersion: 0, maxVersion: 1, finalized: 0 },
  // 1: KIP-848 consumer groups (ConsumerGroupHeartbeat) are served.
  { name: 'group.version', minVersion: 0, maxVersion: 1, finalized: 1 },
  { name: 'transaction.version', minVersion: 0, maxVersion: 0, finalized: 0 },
];

/** The epoch of the finalized levels; they never change here. */
export const FINALIZED_FEATURES_EPOCH = 1n;

export function featureByName(name: string): Feature | undefined {
  return features.find((f) => f.name === name);
}

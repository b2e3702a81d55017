// Key → partition mapping shared by the broker and our client.
// Keyed records: toPositive(murmur2(key)) % numPartitions, bit-for-bit as Kafka's Java client
// (`Utils.murmur2`, `Utils.toPositive`), so records land where every other Kafka client puts them.
// Unkeyed records: sticky partitioning (KIP-480), as the Java client's `StickyPartitionCache`.

const seed = 0x9747b28c;
const m = 0x5bd1e995;
const r = 24;

/** Kafka's murmur2 (MurmurHash2, seed 0x9747b28c); returns a signed 32-bit integer like Java. */
export function murmur2(key: Uint8Array): number {
  const length = key.length;
  let h = (seed ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = key[i4]! | (key[i4 + 1]! << 8) | (key[i4 + 2]! << 16) | (key[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // Java's switch falls through 3 → 2 → 1; written as ifs for noFallthroughCasesInSwitch.
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= key[tail + 2]! << 16;
  if (rest >= 2) h ^= key[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= key[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which overflows on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  assertPartitionCount(numPartitions);
  return toPositive(murmur2(key)) % numPartitions;
}

function assertPartitionCount(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
}

/** Returns an integer in [0, bound). */
export type RandomInt = (bound: number) => number;

const defaultRandomInt: RandomInt = (bound) => Math.floor(Math.random() * bound);

/**
 * KIP-480 sticky partitioning. Unkeyed records for a topic go to one partition until the
 * producer completes a batch for it and calls `onNewBatch`; then a new partition is chosen at
 * random among the available ones (different from the previous one when there is a choice).
 * Keyed records always use `partitionForKey`.
 */
export class StickyPartitioner {
  readonly #stickyByTopic = new Map<string, number>();
  readonly #randomInt: RandomInt;

  constructor(randomInt: RandomInt = defaultRandomInt) {
    this.#randomInt = randomInt;
  }

  /**
   * @param available partitions that currently have a leader; all partitions when omitted or empty.
   */
  partition(
    topic: string,
    key: Uint8Array | null | undefined,
    numPartitions: number,
    available?: readonly number[],
  ): number {
    if (key !== null && key !== undefined) return partitionForKey(key, numPartitions);
    assertPartitionCount(numPartitions);
    const current = this.#stickyByTopic.get(topic);
    if (current !== undefined && current < numPartitions) return current;
    return this.#choose(topic, numPartitions, available, undefined);
  }

  /**
   * Called when the batch for `previousPartition` is complete. Only switches when the sticky
   * partition is still `previousPartition`: another completed batch may already have moved it.
   */
  onNewBatch(
    topic: string,
    numPartitions: number,
    previousPartition: number,
    available?: readonly number[],
  ): number {
    assertPartitionCount(numPartitions);
    const current = this.#stickyByTopic.get(topic);
    if (current !== undefined && current !== previousPartition && current < numPartitions) {
      return current;
    }
    return this.#choose(topic, numPartitions, available, previousPartition);
  }

  /** The current sticky partition of a topic, if one was chosen. */
  current(topic: string): number | undefined {
    return this.#stickyByTopic.get(topic);
  }

  #choose(
    topic: string,
    numPartitions: number,
    available: readonly number[] | undefined,
    avoid: number | undefined,
  ): number {
    const candidates =
      available === undefined || available.length === 0
        ? undefined
        : available.filter((p) => Number.isInteger(p) && p >= 0 && p < numPartitions);
    let chosen: number;
    if (candidates === undefined || candidates.length === 0) {
      chosen = this.#pickAvoiding(numPartitions, avoid, (i) => i);
    } else {
      chosen = this.#pickAvoiding(candidates.length, avoid, (i) => candidates[i]!);
    }
    this.#stickyByTopic.set(topic, chosen);
    return chosen;
  }

  // Picks uniformly among `count` choices, excluding `avoid` when there is another choice.
  #pickAvoiding(count: number, avoid: number | undefined, at: (i: number) => number): number {
    if (count === 1) return at(0);
    const all: number[] = [];
    for (let i = 0; i < count; i++) {
      const p = at(i);
      if (p !== avoid) all.push(p);
    }
    const pool = all.length === 0 ? [at(0)] : all;
    const index = this.#randomInt(pool.length);
    if (!Number.isInteger(index) || index < 0 || index >= pool.length) {
      throw new RangeError(`randomInt(${pool.length}) returned ${index}`);
    }
    return pool[index]!;
  }
}

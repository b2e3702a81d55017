/** A coordinator over an in-memory store and a hand-driven clock, for state-machine tests. */
import { MemoryFs } from '../../src/storage/fs.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { ManualScheduler } from '../../src/group/clock.js';
import { GroupCoordinator, type GroupConfig } from '../../src/group/coordinator.js';
import { silentGroupLogger } from '../../src/group/types.js';

export interface Rig {
  fs: MemoryFs;
  store: TopicStore;
  clock: ManualScheduler;
  coordinator: GroupCoordinator;
  /** A fresh coordinator over the same store (what a broker restart does). */
  restart(): GroupCoordinator;
}

export function rig(config: Partial<GroupConfig> = {}): Rig {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  const clock = new ManualScheduler();
  const make = () => GroupCoordinator.open({ store, log: silentGroupLogger, scheduler: clock, config });
  const r: Rig = {
    fs, store, clock, coordinator: make(),
    restart() {
      r.coordinator.close();
      r.coordinator = make();
      return r.coordinator;
    },
  };
  return r;
}

/** Lets parked promises (joins, syncs, fsyncs) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

// Producer ids: handed out from blocks reserved on disk, so an id is never given twice, restarts
// included. The file holds the first id of the next block to reserve; a block is reserved (the file
// rewritten atomically, with fsync) before any id of it is handed out, so a crash loses at most the
// rest of one block. Kafka reserves blocks of 1000 in its metadata log; so do we, in one file.
//
//   <data dir>/producer-ids   JSON {"version":1,"nextBlockStart":N}
import { writeFileAtomic, type StorageFs } from '../storage/fs.js';
import { MinikafkaError } from '../protocol/errors.js';

export const PRODUCER_ID_BLOCK_SIZE = 1000;
export const PRODUCER_IDS_FILE = 'producer-ids';

export class ProducerIdError extends MinikafkaError {
  constructor(message: string) {
    super('ERR_PRODUCER_IDS', message);
  }
}

export class ProducerIdManager {
  private next: number;
  private blockEnd: number;

  /** `firstStart`: where the first block of a new data dir starts. */
  constructor(private readonly fs: StorageFs, private readonly path: string, firstStart: number) {
    const stored = this.read();
    this.next = stored ?? firstStart;
    this.blockEnd = this.next; // nothing reserved yet: the first allocation reserves
  }

  private read(): number | undefined {
    if (!this.fs.exists(this.path)) return undefined;
    let parsed: { nextBlockStart?: unknown };
    try {
      parsed = JSON.parse(this.fs.readFile(this.path).toString('utf8')) as { nextBlockStart?: unknown };
    } catch {
      // Handing out ids again from an unknown point could repeat one: refuse to start instead.
      throw new ProducerIdError(`${PRODUCER_IDS_FILE} is unreadable; restore it or remove it knowing ids may repeat`);
    }
    const n = parsed.nextBlockStart;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ProducerIdError(`${PRODUCER_IDS_FILE} holds no valid nextBlockStart`);
    return n;
  }

  /** A producer id never handed out before. Reserves a new block (one fsync) every PRODUCER_ID_BLOCK_SIZE ids. */
  allocate(): number {
    if (this.next >= this.blockEnd) {
      const end = this.next + PRODUCER_ID_BLOCK_SIZE;
      if (!Number.isSafeInteger(end)) throw new ProducerIdError('producer ids exhausted');
      writeFileAtomic(this.fs, this.path, JSON.stringify({ version: 1, nextBlockStart: end }));
      this.blockEnd = end;
    }
    return this.next++;
  }
}

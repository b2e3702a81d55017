/** On-disk checks shared by the durability suites. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { batchSizeAt, readInt64Number } from '../../src/protocol/record-batch.js';

/**
 * Every .index entry of every partition under `topicDir` names the position of a batch with exactly
 * that base offset in its .log, ascending, with no torn entry. Returns the entries checked.
 */
export function checkIndexesOnDisk(topicDir: string): number {
  let checked = 0;
  for (const part of readdirSync(topicDir).filter((n) => /^\d+$/.test(n))) {
    const dir = join(topicDir, part);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.index'))) {
      const base = Number(name.slice(0, 20));
      const log = readFileSync(join(dir, `${name.slice(0, 20)}.log`));
      const positions = new Map<number, number>();
      for (let pos = 0; pos + 12 <= log.length; pos += batchSizeAt(log, pos)) positions.set(pos, readInt64Number(log, pos));
      const index = readFileSync(join(dir, name));
      assert.equal(index.length % 8, 0, `${dir}/${name} has a torn entry`);
      let last = -1;
      for (let i = 0; i < index.length; i += 8) {
        const rel = index.readInt32BE(i);
        const pos = index.readInt32BE(i + 4);
        assert.ok(rel > last, `${dir}/${name} entry ${i / 8} not ascending`);
        last = rel;
        assert.equal(positions.get(pos), base + rel, `${dir}/${name} entry ${i / 8} (${rel} → ${pos}) does not match the log`);
        checked += 1;
      }
    }
  }
  return checked;
}

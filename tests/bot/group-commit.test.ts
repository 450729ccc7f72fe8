import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../bot/group-commit';

describe('GroupCommit', () => {
  it('writes the items of one tick together, and items that arrive during a write together in the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const writing = new Promise<void>((r) => (started = r));
    const gc = new GroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) {
        started();
        await gate;
      }
    });
    const first = [gc.add([1]), gc.add([2])];
    await writing;
    const rest = [gc.add([3]), gc.add([4, 5])];
    release();
    await Promise.all([...first, ...rest]);
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('rejects every caller of a failed batch and keeps working afterwards', async () => {
    let fail = true;
    const gc = new GroupCommit<number>(async () => {
      if (fail) throw new Error('disk full');
    });
    await expect(gc.add([1])).rejects.toThrow('disk full');
    fail = false;
    await expect(gc.add([2])).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../bot/group-commit';

describe('GroupCommit', () => {
  it('writes items that arrive during a write together in the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
    });
    const first = gc.add([1]);
    const rest = [gc.add([2]), gc.add([3, 4])];
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
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

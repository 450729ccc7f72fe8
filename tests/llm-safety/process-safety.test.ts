import { describe, expect, it } from 'vitest';
import { MemoryCallLimiter } from '../../dialogs/llm-safety/call-limiter';
import { installLlmSafety, processLimiter } from '../../dialogs/llm-safety/process-safety';

/*
 * The process's LLM limiter is installed by an app and must leave with it: an app started later in the
 * same process (tests share one) counted model calls against a stopped app's Redis limiter and failed.
 */
describe('installLlmSafety', () => {
  it('returns an uninstall that removes its own limiter and never a later one', () => {
    const first = new MemoryCallLimiter({ limit: 5 });
    const second = new MemoryCallLimiter({ limit: 5 });
    const uninstallFirst = installLlmSafety({ limiter: first });
    expect(processLimiter(5)).toBe(first);
    uninstallFirst();
    expect(processLimiter(5)).not.toBe(first);

    const uninstallSecond = installLlmSafety({ limiter: second });
    uninstallFirst();
    expect(processLimiter(5)).toBe(second);
    uninstallSecond();
    expect(processLimiter(5)).not.toBe(second);
  });
});

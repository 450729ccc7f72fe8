import { describe, expect, it } from 'vitest';
import type { GeoReportRequest } from '../../../connectors/open311/georeport-types';
import { SharedLookup } from '../../../connectors/open311/shared-lookup';

const req = (id: string, reference: string) => ({ serviceRequestId: id, status: 'open', description: `Farola\nRef: ${reference}` }) as GeoReportRequest;
const START = new Date('2026-11-24T00:00:00Z');
const END = new Date('2026-11-27T00:00:00Z');

describe('SharedLookup', () => {
  it('answers every caller that asked before a fetch began with that one fetch', async () => {
    let fetches = 0;
    const lookup = new SharedLookup(async () => (fetches++, [req('1', 'ALU-2026-000001'), req('2', 'ALU-2026-000002')]));
    const answers = await Promise.all(['ALU-2026-000001', 'alu-2026-000002', 'ALU-2026-000003'].map((r) => lookup.find('alumbrado', START, END, r)));
    expect(answers).toEqual(['1', '2', undefined]);
    expect(fetches).toBe(1);
  });

  it('never answers a caller from a list fetched before it asked, unless its last attempt is older than that list', async () => {
    const server: GeoReportRequest[] = [];
    let fetches = 0;
    const lookup = new SharedLookup(async () => (fetches++, [...server]));
    expect(await lookup.find('alumbrado', START, END, 'ALU-2026-000009')).toBeUndefined();
    // An attempt after that list created the request: a caller without `since` must see it.
    server.push(req('9', 'ALU-2026-000009'));
    expect(await lookup.find('alumbrado', START, END, 'ALU-2026-000009')).toBe('9');
    expect(fetches).toBe(2);
    // A caller whose last attempt ended before the latest list may use it without a fetch.
    expect(await lookup.find('alumbrado', START, END, 'ALU-2026-000009', new Date(Date.now() - 60_000))).toBe('9');
    expect(fetches).toBe(2);
    // One whose last attempt ended after it may not.
    await lookup.find('alumbrado', START, END, 'ALU-2026-000009', new Date(Date.now() + 1_000));
    expect(fetches).toBe(3);
  });
});

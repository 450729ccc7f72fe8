// Lower is sooner (BullMQ priorities): hazards, then citizens whose agent vanished, then everyone else.
export const PRIORITY = { hazard: 1, returned: 2, normal: 5 } as const;

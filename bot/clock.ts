/**
 * Where "now" comes from, as epoch milliseconds. Anything that decides by the date (office hours, a
 * message's age) takes one, so tests can pin the day instead of depending on when they run.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

import { describe, expect, it } from 'vitest';
import { ChannelUnavailableError, DeliveryRejectedError } from '../../../bot/errors';
import { graphFailure } from '../../../channels/whatsapp-cloud/graph-error';

describe('Graph API failures', () => {
  it.each([
    [500, 131000],
    [503, undefined],
    [429, 130429],
    [408, undefined],
    // Rate limits may come as 400 with a throughput code.
    [400, 131056],
    [400, 80007],
  ])('HTTP %i (Graph error %s) is retryable', (status, code) => {
    const err = graphFailure('send message', status, code === undefined ? undefined : { code, message: 'x' });
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect(err.retryable).toBe(true);
  });

  it.each([
    [400, 131030],
    [400, 100],
    [401, 190],
    [404, undefined],
  ])('HTTP %i (Graph error %s) is not', (status, code) => {
    const err = graphFailure('send message', status, code === undefined ? undefined : { code });
    expect(err).toBeInstanceOf(DeliveryRejectedError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`HTTP ${status}`);
  });
});

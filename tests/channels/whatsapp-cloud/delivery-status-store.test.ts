import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryStatusStore } from '../../../channels/whatsapp-cloud/delivery-status-store';
import { DIALECTS, type TestDatabase } from '../../bot/sql/test-databases';

describe.each(DIALECTS)('DeliveryStatusStore on $dialect', ({ open }) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });
  const store = async () => {
    database = await open();
    return new DeliveryStatusStore(database.db);
  };

  it('records a sent message, then moves it through sent, delivered and read', async () => {
    const s = await store();
    await s.recordSent('wamid.1', '34600000001', 'act-1');
    expect(await s.get('wamid.1')).toMatchObject({ wamid: 'wamid.1', conversationId: '34600000001', activityId: 'act-1', status: 'accepted' });
    for (const status of ['sent', 'delivered', 'read'] as const) await s.recordStatus('wamid.1', '34600000001', status);
    expect((await s.get('wamid.1'))?.status).toBe('read');
  });

  it('never moves a status back when webhooks arrive out of order', async () => {
    const s = await store();
    await s.recordSent('wamid.2', '34600000001', 'act-2');
    await s.recordStatus('wamid.2', '34600000001', 'read');
    await s.recordStatus('wamid.2', '34600000001', 'delivered');
    await s.recordStatus('wamid.2', '34600000001', 'sent');
    expect((await s.get('wamid.2'))?.status).toBe('read');
  });

  it('keeps a status that arrived before the send recorded its message, and fills in the activity afterwards', async () => {
    const s = await store();
    await s.recordStatus('wamid.3', '34600000001', 'delivered');
    expect(await s.get('wamid.3')).toMatchObject({ status: 'delivered' });
    expect((await s.get('wamid.3'))?.activityId).toBeUndefined();
    await s.recordSent('wamid.3', '34600000001', 'act-3');
    expect(await s.get('wamid.3')).toMatchObject({ status: 'delivered', activityId: 'act-3' });
    expect((await s.forActivity('act-3')).map((r) => r.wamid)).toEqual(['wamid.3']);
  });

  it('records a failure with its error, and keeps it over a late success', async () => {
    const s = await store();
    await s.recordSent('wamid.4', '34600000001', 'act-4');
    await s.recordStatus('wamid.4', '34600000001', 'failed', { code: 131026, title: 'Message undeliverable' });
    await s.recordStatus('wamid.4', '34600000001', 'delivered');
    expect(await s.get('wamid.4')).toMatchObject({ status: 'failed', error: { code: 131026, title: 'Message undeliverable' } });
  });
});

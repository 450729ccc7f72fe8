import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HandoffStore } from '../../handoff/handoff-store';
import { DIALECTS } from '../bot/sql/test-databases';
import { conversationKey } from '../../bot/conversation-key';

/*
 * An agent's own action on a conversation (transfer, release, close) is decided in SQL on the holder too
 * (issue 12 part 3): once someone else holds it, the holder's action finds nothing to change, whatever it
 * read a moment before.
 */
for (const { dialect, open } of DIALECTS) {
  describe(`holder-conditional transitions on ${dialect}`, () => {
    it('moves a handoff only while `heldBy` holds it', async () => {
      const t = await open();
      try {
        const store = new HandoffStore(t.db);
        const conversationId = `conv-${randomUUID()}`;
        const h = await store.open({
          id: randomUUID(), conversationKey: conversationKey('webchat', conversationId), channel: 'webchat', conversationId, userId: 'u', citizenId: 'c',
          team: 'aguas', priority: 5, reason: 'asked', summary: {}, locale: 'es',
        });
        expect(await store.claim(h.id, 'ana', 5)).toMatchObject({ status: 'assigned', agentId: 'ana' });
        const close = { ended_at: new Date().toISOString() };
        expect(await store.transition(h.id, { statuses: ['assigned'], heldBy: 'bea' }, 'closed', close, { kind: 'closed', agentId: 'bea' })).toBeUndefined();
        expect(await store.byId(h.id)).toMatchObject({ status: 'assigned', agentId: 'ana' });
        expect(await store.transition(h.id, { statuses: ['assigned'], heldBy: 'ana' }, 'closed', close, { kind: 'closed', agentId: 'ana' })).toMatchObject({ status: 'closed' });
        expect((await store.events(h.id)).map((e) => e.kind)).toEqual(['queued', 'claimed', 'closed']);
      } finally {
        await t.drop();
      }
    });
  });
}

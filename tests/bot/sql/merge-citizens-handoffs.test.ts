import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../bot/sql/history-store';
import { HandoffStore } from '../../../handoff/handoff-store';
import { DIALECTS } from './test-databases';
import { conversationKey } from '../../../bot/conversation-key';

/*
 * A ticket an agent files from a handoff takes the handoff's citizen, and only that citizen sees the
 * ticket's note (dialogs/ticket-view). A handoff opened before the chat was linked must therefore move
 * with its citizen, or the ticket would belong to a citizen that no longer exists.
 */
for (const { dialect, open } of DIALECTS) {
  describe(`merging citizens on ${dialect}`, () => {
    it("moves the folded citizen's handoffs to the citizen it is folded into", async () => {
      const t = await open();
      try {
        const history = new HistoryStore(t.db);
        const handoffs = new HandoffStore(t.db);
        const web = await history.citizenFor('webchat', `user-${randomUUID()}`);
        const phone = await history.citizenFor('whatsapp-cloud', `34${Date.now() % 1e9}`);
        const conversationId = `conv-${randomUUID()}`;
        await history.recordMessages([{ channel: 'webchat', conversationId, citizenId: web, direction: 'in', activityId: 'a1', text: 'hola', at: new Date() }]);
        const h = await handoffs.open({
          id: randomUUID(), conversationKey: conversationKey('webchat', conversationId), channel: 'webchat', conversationId, userId: 'u', citizenId: web,
          team: 'general', priority: 0, reason: 'asked', summary: {}, locale: 'es',
        });
        await history.mergeCitizens(web, phone);
        expect((await handoffs.byId(h.id))?.citizenId).toBe(phone);
      } finally {
        await t.drop();
      }
    });
  });
}

import { createRequire } from 'node:module';
import { ComponentDialog, Dialog, DialogSet, DialogStateManager, WaterfallDialog, type DialogContext } from 'botbuilder-dialogs';
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { useSharedDialogMemory } from '../../dialogs/dialog-memory';

const require = createRequire(import.meta.url);

describe('shared dialog memory configuration', () => {
  it('hands every turn the same configuration and keeps memory scopes working in nested dialogs', async () => {
    const seen: Array<{ configuration: object; activityText: unknown; dialogValue: unknown }> = [];
    const conversation = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(conversation.createProperty('dialogState'));
    const inner = new ComponentDialog('outer');
    inner.addDialog(new WaterfallDialog('steps', [
      async (step) => {
        step.state.setValue('dialog.note', 'kept');
        return Dialog.EndOfTurn;
      },
      async (step) => {
        seen.push({ configuration: step.state.configuration, activityText: step.state.getValue('turn.activity.text'), dialogValue: step.state.getValue('dialog.note') });
        return step.endDialog();
      },
    ]));
    dialogs.add(inner);
    const adapter = new TestAdapter(async (ctx: TurnContext) => {
      useSharedDialogMemory(ctx);
      const dc: DialogContext = await dialogs.createContext(ctx);
      const r = await dc.continueDialog();
      if (r.status === 'empty') await dc.beginDialog('outer');
      await conversation.saveChanges(ctx);
    });
    await adapter.send('first');
    await adapter.send('second');
    await adapter.send('third');
    await adapter.send('fourth');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.activityText).toBe('second');
    expect(seen[1]!.activityText).toBe('fourth');
    // dialog-scoped memory survived the turn boundary: scopes still read the right dialog instance
    expect(seen.map((s) => s.dialogValue)).toEqual(['kept', 'kept']);
    expect(seen[0]!.configuration).toBe(seen[1]!.configuration);
    expect((seen[0]!.configuration as { memoryScopes: unknown[] }).memoryScopes.length).toBeGreaterThan(5);
  });

  it('makes botbuilder construct its component registration once', () => {
    const { DialogsComponentRegistration } = require('botbuilder-dialogs/lib/dialogsComponentRegistration') as { DialogsComponentRegistration: new () => object };
    const a = new DialogsComponentRegistration();
    const b = new DialogsComponentRegistration();
    expect(a).toBe(b);
    expect(a).toBeInstanceOf(DialogsComponentRegistration);
    // a DialogStateManager built without a turn's configuration still finds every scope
    const manager = new DialogStateManager({ context: { turnState: new Map(), activity: {} } } as unknown as DialogContext);
    expect(manager.configuration.memoryScopes.map((s) => s.name)).toEqual(expect.arrayContaining(['turn', 'dialog', 'conversation', 'user', 'settings']));
  });

  it('parses memory paths the same after remembering them: nested paths read memory, deletes do not corrupt the remembered segments', async () => {
    const adapter = new TestAdapter(async (ctx: TurnContext) => {
      useSharedDialogMemory(ctx);
      const dialogs = new DialogSet(new ConversationState(new MemoryStorage()).createProperty('dialogState'));
      const dc = await dialogs.createContext(ctx);
      const state = dc.state;
      state.setValue('turn.which', 'b');
      state.setValue('turn.box.a', 1);
      state.setValue('turn.box.b', 2);
      expect(state.getValue('turn.box[turn.which]')).toBe(2);
      state.setValue('turn.which', 'a');
      expect(state.getValue('turn.box[turn.which]')).toBe(1);
      state.deleteValue('turn.box.b');
      state.deleteValue('turn.box.b');
      expect(state.getValue('turn.box')).toEqual({ a: 1 });
      state.setValue('turn.box.b', 3);
      expect(state.getValue('turn.box.b')).toBe(3);
      expect(state.parsePath('turn.box.b')).toEqual(['turn', 'box', 'b']);
      await ctx.sendActivity('checked');
    });
    await adapter.send('hi').assertReply('checked');
  });
});

// `npm run bench:botbuilder`: the CPU a botbuilder-dialogs turn costs before any bot logic, by depth of
// ComponentDialog nesting (0 = a waterfall and a text prompt straight in the DialogSet). Run through the
// worker's QueueAdapter with the process-wide dialog memory (dialogs/dialog-memory), state in memory.
// It bounds what the dialog engine can cost at the least; prints numbers, asserts nothing.
import { ActivityTypes, ConversationState, MemoryStorage, type Activity, type TurnContext } from 'botbuilder';
import { ComponentDialog, DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog, type Dialog } from 'botbuilder-dialogs';
import { QueueAdapter } from '../turns/queue-adapter';
import { useSharedDialogMemory } from '../dialogs/dialog-memory';

const TURNS = Number(process.env.BENCH_TURNS ?? 20_000);

/** A prompt-and-loop waterfall wrapped in `depth` component dialogs; one turn per call. */
function botOfDepth(depth: number): (ctx: TurnContext) => Promise<void> {
  const conversation = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(conversation.createProperty('dialogState'));
  let level: Dialog[] = [
    new WaterfallDialog('ask', [async (step) => step.prompt('text', 'Contame qué pasa'), async (step) => step.replaceDialog('ask')]),
    new TextPrompt('text'),
  ];
  for (let d = 0; d < depth; d++) {
    const component = new ComponentDialog(`layer${d}`);
    for (const dialog of level) component.addDialog(dialog); // the first one added is where it starts
    level = [component];
  }
  for (const dialog of level) dialogs.add(dialog);
  const first = level[0]!.id;
  return async (ctx) => {
    useSharedDialogMemory(ctx);
    const dc = await dialogs.createContext(ctx);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(first);
    await conversation.saveChanges(ctx);
  };
}

const adapter = new QueueAdapter();
const message = (i: number): Partial<Activity> => ({
  type: ActivityTypes.Message, id: `a${i}`, channelId: 'bench', text: 'hay un bache',
  conversation: { id: `c${i % 200}`, isGroup: false, conversationType: 'personal', name: '' }, from: { id: `u${i % 200}`, name: '' }, recipient: { id: 'bot', name: '' },
});

console.log('# botbuilder-dialogs turn, CPU µs per turn (all threads, GC included), by ComponentDialog nesting');
for (const depth of [0, 1, 2, 3]) {
  const bot = botOfDepth(depth);
  for (let i = 0; i < TURNS / 4; i++) await adapter.runTurn(message(i), bot); // warm-up: JIT
  const before = process.cpuUsage();
  for (let i = 0; i < TURNS; i++) await adapter.runTurn(message(i), bot);
  const used = process.cpuUsage(before);
  console.log(`${`component dialogs nested: ${depth}`.padEnd(44)} ${Math.round((used.user + used.system) / TURNS)}`);
}

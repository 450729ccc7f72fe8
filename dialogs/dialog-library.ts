/*
 * The parts of botbuilder-dialogs the engine uses, imported from their own files. Its index loads every
 * prompt, and the number, date-time and choice prompts load Microsoft's text recognizers (~30 MB of a
 * worker's memory) that these dialogs never run (ChoiceAsk matches words and positions itself). Types may
 * still come from 'botbuilder-dialogs': only values decide what loads. Read this before upgrading
 * botbuilder-dialogs (pinned in package.json): the paths are its lib/ layout.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
export { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError.js';
export { DialogStateManager } from 'botbuilder-dialogs/lib/memory/dialogStateManager.js';
export { Prompt, ListStyle } from 'botbuilder-dialogs/lib/prompts/prompt.js';
export { defaultTokenizer } from 'botbuilder-dialogs/lib/choices/tokenizer.js';
export { ChoiceFactory } from 'botbuilder-dialogs/lib/choices/choiceFactory.js';
export { recognizeChoices } from 'botbuilder-dialogs/lib/choices/recognizeChoices.js';

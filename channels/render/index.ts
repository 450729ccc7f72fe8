/**
 * Rendering by capability, in one place: a dialog says "choose one of these"; the channel's
 * capabilities decide whether that becomes buttons, a list or numbered text, and how text is marked up.
 */
export { renderActivity } from './render-activity';
export type { OutChoice, OutChoices, OutLink, OutMessage } from './out-message';
export { NumberedChoices, type NumberedChoicesOptions } from './numbered-choices';
export { escapeHtml, renderText } from './markup';
export { escapeMarkdown } from './markdown';
export { numberedLines, truncate } from './fit-choices';

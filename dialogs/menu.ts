import { MessageFactory, type Activity } from 'botbuilder';
import type { Locale } from '../catalog/schema';
import { t } from './i18n';

/**
 * `text` with the main menu as suggested actions: report a problem, my tickets, help. The labels
 * come back as ordinary messages, which the intents recognize in every language.
 */
export function withMenu(locale: Locale, text: string): Partial<Activity> {
  return MessageFactory.suggestedActions([t(locale, 'menu.report'), t(locale, 'menu.myTickets'), t(locale, 'menu.help')], text);
}

import type { Activity } from 'botbuilder';
import { LOCALES, type Catalog, type Locale } from '../catalog/schema';
import { LOCALE_TAGS, t, type MessageKey } from './i18n';

/**
 * Replies for when the engine could not answer a message, built outside any dialog (no state, no
 * profile): in the language the channel reported for the activity, else the city's default.
 */

/** The reply when a message failed every attempt and was dead-lettered: "please send it again". */
export function apologyFor(activity: Partial<Activity>, catalog: Catalog): Partial<Activity> {
  return reply(activity, catalog, 'error.dead');
}

function reply(activity: Partial<Activity>, catalog: Catalog, key: MessageKey): Partial<Activity> {
  const locale = localeOfTag(activity.locale) ?? catalog.city.defaultLocale;
  // 'message' is ActivityTypes.Message: a literal keeps botbuilder out of web processes (they use localeOfTag).
  return { type: 'message', text: t(locale, key), locale: LOCALE_TAGS[locale] };
}

/** `es-ES`, `ca`, `en-us` → es, ca, en; anything else → undefined. */
export function localeOfTag(tag: string | undefined): Locale | undefined {
  const lang = tag?.toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === lang);
}

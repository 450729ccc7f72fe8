import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import { LOCALES, type Locale } from '../catalog/schema';
import type { Profiles } from './citizen-profile';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, t } from './i18n';
import { ask, type ChoiceSpec } from './prompts';

// Each language offered under its own name, recognized under any of them.
const SYNONYMS: Readonly<Record<Locale, string[]>> = {
  es: ['es', 'espanol', 'español', 'castellano', 'castellà', 'castella', 'spanish', 'espanyol'],
  ca: ['ca', 'catala', 'català', 'catalan', 'catalán', 'valencia', 'valencià', 'valenciano'],
  en: ['en', 'english', 'ingles', 'inglés', 'angles', 'anglès'],
};

/** "Idioma" with no language named: asks which one, then speaks it from then on. */
export function languageDialog(deps: EngineDeps, profiles: Profiles): WaterfallDialog {
  const choices: ChoiceSpec[] = LOCALES.map((l) => ({ value: l, label: t(l, 'language.name'), synonyms: SYNONYMS[l] }));
  return new WaterfallDialog(DIALOG.language, [
    async function askLanguage(step: WaterfallStepContext): Promise<DialogTurnResult> {
      return step.prompt(PROMPT.choice, ask(say('language.ask'), { choiceSpecs: choices, retrySay: say('language.ask') }));
    },
    async function switchLanguage(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const locale = (step.result as FoundChoice).value as Locale;
      await profiles.chooseLocale(step.context, locale);
      await step.context.sendActivity(render(deps.catalog, locale, say('language.changed')));
      return step.endDialog(locale);
    },
  ]);
}

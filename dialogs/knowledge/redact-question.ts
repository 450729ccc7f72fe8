import { PLACEHOLDER, redactForModel } from '../llm-safety/redact';

/**
 * The question as search and the model may see it: personal data (phones, e-mails, ID numbers…) removed
 * by the one redaction every model call goes through, without its placeholders, which would otherwise
 * be searched as words ("[TELÉFONO]" finds the article on phone numbers). Its own module: the answerer
 * uses it with no model configured, and grounded-composer.ts loads LangChain.
 */
export function redact(text: string): string {
  return redactForModel(text).replace(PLACEHOLDER_PATTERN, ' ').replace(/\s{2,}/g, ' ').trim();
}

const PLACEHOLDER_PATTERN = new RegExp(Object.values(PLACEHOLDER).map((p) => p.replace(/[[\]]/g, '\\$&')).join('|'), 'g');

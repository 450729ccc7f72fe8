import type { Locale } from '../catalog/schema';
import { t } from '../dialogs/i18n';
import type { CitizenData } from './citizen-data';

/**
 * The copy of a citizen's data as text a person reads (the JSON beside it is the complete,
 * machine-readable one): headings in the citizen's language, one line per record, oldest first.
 */
export function readableCopy(data: CitizenData, locale: Locale): string {
  const lines: string[] = [t(locale, 'myData.file.title', { date: data.madeAt.slice(0, 10) }), ''];
  const section = (key: Parameters<typeof t>[1], body: string[]): void => {
    lines.push(`## ${t(locale, key)}`, ...(body.length > 0 ? body : [t(locale, 'myData.file.none')]), '');
  };
  section('myData.file.identities', data.identities.map((i) => `- ${i.channel}: ${i.userId}${i.verified ? ' ✓' : ''} (${i.since.slice(0, 10)})`));
  section('myData.file.tickets', data.tickets.flatMap((k) => [
    `- ${k.reference} · ${k.service} · ${k.status} · ${k.createdAt.slice(0, 10)}`,
    `  ${k.description}`,
    ...(k.address ? [`  ${k.address}`] : []),
    ...(k.contact ? [`  ${k.contact}`] : []),
    ...k.history.map((h) => `  ${h.at.slice(0, 16).replace('T', ' ')} ${h.status}${h.note ? `: ${h.note}` : ''}`),
  ]));
  section('myData.file.conversations', data.conversations.flatMap((c) => [
    `### ${c.channel} · ${c.startedAt.slice(0, 10)}`,
    ...c.messages.map((m) => `${m.at.slice(0, 16).replace('T', ' ')} ${t(locale, `myData.file.from.${m.from}`)}: ${m.text ?? ''}`),
  ]));
  section('myData.file.people', data.conversationsWithPeople.map((h) => `- ${h.createdAt.slice(0, 10)} · ${h.team} · ${h.status}${h.resolution ? ` · ${h.resolution}` : ''}`));
  return `${lines.join('\n').trimEnd()}\n`;
}

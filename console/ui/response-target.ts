import { h } from './dom';
import { T } from './i18n';

/**
 * The "Fuera de objetivo" mark of a conversation whose citizen has waited longer for a person than the
 * team's first-response target (catalog `firstResponseTargetSeconds`): a badge with words, not a colour
 * alone, so it reads the same to everyone. Hidden until `mark` says the wait passed the target.
 */
export function lateBadge(): HTMLElement {
  return h('span', { class: 'badge badge-late', 'data-testid': 'late-badge', hidden: true, text: T.target.late });
}

/** Shows or hides the badge, and marks the item it belongs to, as `waitedSeconds` passes `targetSeconds`. */
export function markLate(badge: HTMLElement, item: HTMLElement, waitedSeconds: number, targetSeconds: number): void {
  const late = waitedSeconds > targetSeconds;
  badge.hidden = !late;
  item.classList.toggle('late', late);
}

import { h, icon, ICONS } from './dom';
import type { Texts } from './i18n';

export interface ComposerHandlers {
  onText(text: string): void;
  onLocation(): void;
  onPhoto(file: File): void;
}

export interface Composer {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  focus(): void;
  /** Puts every label, placeholder and tooltip in another language (the conversation changed). */
  retranslate(texts: Texts): void;
}

/** The input row: share location, attach photo, the text field, and Send (Enter submits the form). */
export function createComposer(texts: Texts, handlers: ComposerHandlers): Composer {
  const input = h('input', {
    id: 'cw-input', class: 'cw-input', type: 'text', autocomplete: 'off', enterkeyhint: 'send',
    maxlength: '4000', placeholder: texts.placeholder,
  });
  // Hidden: the camera button is the accessible control; browsers still open a hidden picker on click().
  const file = h('input', { class: 'cw-file-input', type: 'file', accept: 'image/*', hidden: true, 'aria-label': texts.photo });
  const photo = iconButton('cw-photo', texts.photo, ICONS.camera);
  const send = h('button', { type: 'submit', class: 'cw-icon cw-send', 'aria-label': texts.send, title: texts.send }, icon(ICONS.send));
  const form = h('form', { class: 'cw-composer' });

  if ('geolocation' in navigator) {
    const location = iconButton('cw-location', texts.location, ICONS.pin);
    location.addEventListener('click', () => handlers.onLocation());
    form.append(location);
  }
  const label = h('label', { class: 'cw-sr', for: 'cw-input', text: texts.inputLabel });
  form.append(photo, file, label, input, send);

  photo.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = ''; // choosing the same photo twice must fire `change` again
    if (chosen) handlers.onPhoto(chosen);
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    handlers.onText(text);
  });

  const retranslate = (next: Texts): void => {
    input.placeholder = next.placeholder;
    label.textContent = next.inputLabel;
    file.setAttribute('aria-label', next.photo);
    labelButton(photo, next.photo);
    labelButton(send, next.send);
    const location = form.querySelector<HTMLButtonElement>('.cw-location');
    if (location) labelButton(location, next.location);
  };
  return { form, input, focus: () => input.focus(), retranslate };
}

function labelButton(button: HTMLButtonElement, label: string): void {
  button.setAttribute('aria-label', label);
  button.title = label;
}

function iconButton(cls: string, label: string, path: string): HTMLButtonElement {
  return h('button', { type: 'button', class: `cw-icon ${cls}`, 'aria-label': label, title: label }, icon(path));
}

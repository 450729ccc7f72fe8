import type { Me } from '../protocol';
import { ApiError, type Api } from './api';
import { field, h } from './dom';
import { errorText } from './format';
import { T } from './i18n';

/**
 * The login form. Shows the console's text for the error code (errorText); a 429 also shows how long to
 * wait (from `Retry-After`) and keeps the button disabled until then.
 */
export function renderLogin(root: HTMLElement, api: Api, onLoggedIn: (me: Me) => void, notice?: string): void {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, 'data-testid': 'login-email' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'login-error' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit', text: T.login.submit });
  const form = h('form', { class: 'login card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title', text: T.login.title }),
    notice ? h('p', { class: 'notice', text: notice }) : undefined,
    field(T.login.email, email),
    field(T.login.password, password),
    error,
    submit,
  );
  const showError = (text: string): void => {
    error.textContent = text;
    error.hidden = false;
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    submit.textContent = T.login.busy;
    api.post<Me>('/login', { email: email.value.trim(), password: password.value }).then(onLoggedIn, (err: unknown) => {
      submit.textContent = T.login.submit;
      const wait = err instanceof ApiError && err.status === 429 ? err.retryAfter : undefined;
      showError(wait ? `${errorText(err)} ${T.login.wait(wait)}` : errorText(err));
      if (wait) setTimeout(() => (submit.disabled = false), wait * 1000);
      else submit.disabled = false;
      password.select();
    });
  });

  root.replaceChildren(h('main', { class: 'login-page' }, h('p', { class: 'brand', text: T.appName }), form));
  email.focus();
}

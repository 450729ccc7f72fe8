import type { Me } from '../protocol';
import { Api, ApiError } from './api';
import { ConsoleApp } from './app';
import { errorText } from './format';
import { T } from './i18n';
import { renderLogin } from './login';

/**
 * Entry point of /console/app.js. `GET /me` decides between the login form and the console;
 * a 401 from any later call (the session expired) brings the login form back.
 */
function boot(root: HTMLElement): void {
  const api = new Api();
  let app: ConsoleApp | undefined;

  const start = (me: Me): void => {
    api.csrf = me.csrf;
    app = new ConsoleApp(root, api, me, () => showLogin());
    app.start();
  };
  const showLogin = (notice?: string): void => {
    app?.destroy();
    app = undefined;
    api.csrf = '';
    renderLogin(root, api, start, notice);
  };
  api.onUnauthenticated = () => {
    if (app) showLogin(T.login.expired);
  };

  api.get<Me>('/me').then(start, (err: unknown) => {
    showLogin(err instanceof ApiError && err.status === 401 ? undefined : errorText(err));
  });
}

const root = document.getElementById('app');
if (root) boot(root);
else console.error('console: the page has no #app element');

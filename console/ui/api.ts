import type { ApiError as ApiErrorBody } from '../protocol';

/** Where the console's REST API lives (same origin as the page). */
export const API_BASE = '/console/api';

/**
 * A failed API call: the server's `{ error: { code, message } }` and the HTTP status. Network
 * failures get status 0 and code `E_NETWORK`. `retryAfter` (seconds) comes from a 429's
 * `Retry-After` header, when the server sends one.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The console's REST client: JSON in and out, the session cookie sent by the browser, and the
 * CSRF token from `Me` on every request that is not a GET.
 */
export class Api {
  /** Set from `Me.csrf` after login or `GET /me`. */
  csrf = '';
  /** Called on a 401 from anything but login and `/me` (the session expired or was revoked). */
  onUnauthenticated: (() => void) | undefined;

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    // FormData (a file) sets its own multipart content type with the boundary.
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    let res: Response;
    try {
      res = await fetch(API_BASE + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body: form ? body : JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new ApiError(0, 'E_NETWORK', err instanceof Error ? err.message : String(err));
    }
    if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
    const error = await toApiError(res);
    if (res.status === 401 && path !== '/login' && path !== '/me') this.onUnauthenticated?.();
    throw error;
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  let code = `E_HTTP_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error) ({ code, message } = body.error);
  } catch {
    // Not JSON (a proxy's error page, say): the status line is all there is to show.
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** Path segment, escaped (ids and conversation keys contain `:`). */
export const seg = (s: string): string => encodeURIComponent(s);

import { DirectLineHttpError } from './http-error';
import type { TokenClaims, TokenService } from './tokens';

/** Who is calling: the bot's own secret (any conversation) or a token bound to one conversation and user. */
export type Principal = { kind: 'secret' } | ({ kind: 'token'; token: string } & TokenClaims);

/** Reads `Authorization: Bearer …` (or a bare credential, for the stream's `t=` parameter). */
export async function authenticate(tokens: TokenService, credential: string | undefined): Promise<Principal> {
  if (!credential) throw new DirectLineHttpError(401, 'Unauthorized', 'missing Authorization: Bearer header');
  const value = credential.startsWith('Bearer ') ? credential.slice('Bearer '.length).trim() : credential.trim();
  if (tokens.isSecret(value)) return { kind: 'secret' };
  const claims = await tokens.verify(value);
  // 403, not 401: directlinejs reads 403 as "token expired" and asks the page for a new one.
  if (!claims) throw new DirectLineHttpError(403, 'Forbidden', 'invalid or expired token');
  return { kind: 'token', token: value, ...claims };
}

/** Refuses a token issued for another conversation. */
export function assertMayUse(principal: Principal, conversationId: string): void {
  if (principal.kind === 'token' && principal.conversationId !== conversationId) {
    throw new DirectLineHttpError(403, 'Forbidden', 'token is not valid for this conversation');
  }
}

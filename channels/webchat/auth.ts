import { DirectLineHttpError } from './http-error';
import type { TokenClaims, TokenService } from './tokens';

/** Who is calling: the bot's own secret (any conversation) or a token bound to one conversation and user. */
export type Principal = { kind: 'secret' } | ({ kind: 'token'; token: string } & TokenClaims);

/** Reads `Authorization: Bearer …` (or a bare credential, for the stream's `t=` parameter). */
export async function authenticate(tokens: TokenService, credential: string | undefined): Promise<Principal> {
  if (!credential) throw new DirectLineHttpError(401, 'Unauthorized', 'missing Authorization: Bearer header');
  const value = credential.startsWith('Bearer ') ? credential.slice('Bearer '.length).trim() : credential.trim();
  // A token first: nearly every call carries one, usually already verified by this process (see
  // TokenService.verify), and the constant-time secret comparison hashes both strings each time.
  // No token we sign can equal the secret, so the order changes no answer.
  const claims = await tokens.verify(value);
  if (claims) return { kind: 'token', token: value, ...claims };
  if (tokens.isSecret(value)) return { kind: 'secret' };
  // 403, not 401: directlinejs reads 403 as "token expired" and asks the page for a new one.
  throw new DirectLineHttpError(403, 'Forbidden', 'invalid or expired token');
}

/** Refuses a token issued for another conversation. */
export function assertMayUse(principal: Principal, conversationId: string): void {
  if (principal.kind === 'token' && principal.conversationId !== conversationId) {
    throw new DirectLineHttpError(403, 'Forbidden', 'token is not valid for this conversation');
  }
}

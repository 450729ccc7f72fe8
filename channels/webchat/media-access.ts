import type { MediaAccess } from '../../bot/media-store';
import type { TokenService } from './tokens';

/** The media owner id of a web chat conversation: its uploads are stored for it (see MediaStore.saveAll). */
export const webchatMediaOwner = (conversationId: string): string => `webchat:${conversationId}`;

/**
 * Who asks for `GET /media/<name>` in the web chat: the holder of a valid Direct Line token
 * (`Authorization: Bearer …`) may fetch the files uploaded in the token's conversation, and no others.
 * The Direct Line secret opens none: a backend reads the signed URLs in the activities instead.
 */
export function webchatMediaAccess(tokens: TokenService): MediaAccess {
  return {
    ownerOf: async (authorization) => {
      if (!authorization?.startsWith('Bearer ')) return undefined;
      const claims = await tokens.verify(authorization.slice('Bearer '.length).trim());
      return claims ? webchatMediaOwner(claims.conversationId) : undefined;
    },
  };
}

import type { Config } from '../bot/config';
import { JitsiRooms } from './jitsi-rooms';
import { VideoCalls, type VideoCallsDeps } from './video-call';

/**
 * The video calls the configuration asks for: on the Jitsi server of VIDEO_JITSI_URL (with tokens when
 * VIDEO_JITSI_APP_ID and VIDEO_JITSI_APP_SECRET are set), or none (VideoCalls answers E_VIDEO_UNAVAILABLE).
 * The tokens' times come from the real clock, as the Jitsi server's checks do.
 */
export function videoCallsFor(
  config: Pick<Config, 'VIDEO_JITSI_URL' | 'VIDEO_JITSI_APP_ID' | 'VIDEO_JITSI_APP_SECRET' | 'VIDEO_JITSI_AUDIENCE' | 'VIDEO_JITSI_SUBJECT' | 'VIDEO_CALL_TTL_MINUTES'>,
  deps: Omit<VideoCallsDeps, 'rooms' | 'ttlMs'>,
): VideoCalls {
  const rooms = config.VIDEO_JITSI_URL
    ? new JitsiRooms({
      baseUrl: config.VIDEO_JITSI_URL,
      audience: config.VIDEO_JITSI_AUDIENCE,
      ...(config.VIDEO_JITSI_APP_ID && config.VIDEO_JITSI_APP_SECRET ? { app: { id: config.VIDEO_JITSI_APP_ID, secret: config.VIDEO_JITSI_APP_SECRET } } : {}),
      ...(config.VIDEO_JITSI_SUBJECT ? { subject: config.VIDEO_JITSI_SUBJECT } : {}),
    })
    : undefined;
  return new VideoCalls({ ...deps, rooms, ttlMs: config.VIDEO_CALL_TTL_MINUTES * 60_000 });
}

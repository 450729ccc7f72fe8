/** The web chat channel: a Direct Line 3.0–compatible server over Redis streams. */
export { createWebchatChannel, type WebchatChannel, type WebchatChannelOptions } from './webchat-channel';
export { WebchatAdapter } from './webchat-adapter';

/** The WhatsApp Cloud API channel (Meta's official API): signed webhooks in, Graph API calls out. */
export {
  createWhatsappCloudChannel,
  whatsappCloudEnabled,
  type WhatsappCloudChannel,
  type WhatsappCloudChannelOptions,
} from './whatsapp-cloud-channel';

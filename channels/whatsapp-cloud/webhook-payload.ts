import { z } from 'zod';

/*
 * The part of Meta's WhatsApp Cloud API webhook we read, validated at the edge. Objects are not strict:
 * Meta adds fields over time (pricing, conversation, referral…) and must not break us. A message type we
 * do not know still parses (only `from`, `id`, `type` are required) and is answered as unsupported.
 * Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 */

const mediaSchema = z.object({ id: z.string().min(1), mime_type: z.string().optional(), caption: z.string().optional() });

export const inboundMessageSchema = z.object({
  /** The citizen's WhatsApp id (their phone number in international format, digits only). */
  from: z.string().min(1),
  /** The platform message id, `wamid.…`: our dedupe key. */
  id: z.string().min(1),
  /** Unix seconds, as a string. */
  timestamp: z.string().optional(),
  type: z.string().min(1),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template message. */
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
    .optional(),
  image: mediaSchema.optional(),
  audio: mediaSchema.optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

const statusErrorSchema = z.object({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});
export type StatusError = z.infer<typeof statusErrorSchema>;

export const deliveryStatusSchema = z.object({
  /** The wamid our send got back from the Graph API. */
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().optional(),
  recipient_id: z.string().min(1),
  errors: z.array(statusErrorSchema).optional(),
});
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

const valueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string() }).optional(),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(inboundMessageSchema).optional(),
  statuses: z.array(deliveryStatusSchema).optional(),
});
export type ChangeValue = z.infer<typeof valueSchema>;

export const webhookPayloadSchema = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })).default([]),
    }),
  ),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/**
 * The `messages` changes addressed to our phone number. Other fields (template reviews, account
 * updates) and other numbers of the same business account are not ours to handle.
 */
export function changesFor(payload: WebhookPayload, phoneNumberId: string): ChangeValue[] {
  const out: ChangeValue[] = [];
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = valueSchema.parse(change.value);
      if (value.metadata?.phone_number_id !== undefined && value.metadata.phone_number_id !== phoneNumberId) continue;
      out.push(value);
    }
  }
  return out;
}

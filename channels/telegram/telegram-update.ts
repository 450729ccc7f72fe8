import { z } from 'zod';

/*
 * The part of a Telegram Bot API Update this channel reads, validated at the edge. Messages keep
 * their other fields (looseObject), because "which content did the citizen send" is decided by keys
 * this schema does not list (sticker, poll, contact, dice…).
 */
const User = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  language_code: z.string().optional(),
});
const Chat = z.object({ id: z.number().int(), type: z.string() });
const FileRef = z.object({ file_id: z.string().min(1), file_size: z.number().optional(), mime_type: z.string().optional(), file_name: z.string().optional() });
const PhotoSize = FileRef.extend({ width: z.number(), height: z.number() });
const Location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

export const TelegramMessageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().optional(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(z.object({ type: z.string(), offset: z.number(), length: z.number() })).optional(),
  photo: z.array(PhotoSize).optional(),
  voice: FileRef.optional(),
  audio: FileRef.optional(),
  document: FileRef.optional(),
  location: Location.optional(),
  venue: z.object({ location: Location, title: z.string(), address: z.string() }).optional(),
});

export const TelegramUpdateSchema = z.object({
  update_id: z.number().int(),
  message: TelegramMessageSchema.optional(),
  callback_query: z
    .object({
      id: z.string().min(1),
      from: User,
      data: z.string().optional(),
      message: z.object({ message_id: z.number().int(), chat: Chat }).optional(),
    })
    .optional(),
});

export type TelegramUpdate = z.infer<typeof TelegramUpdateSchema>;
export type TelegramMessage = z.infer<typeof TelegramMessageSchema>;
export type TelegramUser = z.infer<typeof User>;
export type TelegramFileRef = z.infer<typeof FileRef>;

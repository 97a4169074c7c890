/**
 * zod schemas of every operation's input, one per operation, parsed once at
 * the edge (socket handler, HTTP route, `SocketkitServer` method) with
 * `parseInput`; the operations behind the edge trust their typed input.
 * Server-only: the client checks limits itself and never pulls zod into a
 * browser bundle.
 */
import { z } from 'zod';
import { isStorableText, LIMITS } from '../../protocol/index.js';
import type {
  InvalidUserId,
  ConversationCreatePayload,
  ConversationId,
  ConversationListPayload,
  ConversationReadPayload,
  NotificationListPayload,
  NotificationReadPayload,
  NotifyRequest,
  HistoryPayload,
  MessageSendPayload,
  PresenceListPayload,
  TypingPayload,
} from '../../protocol/index.js';

/** A string every store keeps exactly (`isStorableText`: no NUL, no lone surrogate). */
const storable = () => z.string().refine(isStorableText, 'contains a NUL character or a lone surrogate, which cannot be stored');

const id = storable().min(1).max(LIMITS.maxIdLength);

/**
 * `presence:subscribe` / `presence:unsubscribe`: `{ userIds }`, at most 1,000
 * elements, each checked on its own by `splitUserIds` so one bad element does
 * not fail the valid ones.
 */
export const presenceIdsSchema = z.object({
  userIds: z
    .array(z.unknown())
    .max(LIMITS.maxPresenceIds)
    // An over-long string is a payload size problem (PAYLOAD_TOO_LARGE for the whole request), not a bad
    // element. One check of the whole list, not a refinement run per element (every handshake with watches).
    .superRefine((values, ctx) => {
      values.forEach((value, index) => {
        if (typeof value === 'string' && value.length > LIMITS.maxIdLength) {
          ctx.addIssue({ code: 'too_big', origin: 'string', maximum: LIMITS.maxIdLength, inclusive: true, input: value, path: [index], message: `At most ${LIMITS.maxIdLength} characters` });
        }
      });
    }),
});

/** A number becomes its string (as for token claims); the rest must be an `id`. */
const userIdElement = z.union([id, z.number().finite().transform(String)]).pipe(id);

/** The valid ids of a list (normalised) and the invalid elements with why. */
export function splitUserIds(elements: readonly unknown[]): { valid: string[]; invalid: InvalidUserId[] } {
  const valid: string[] = [];
  const invalid: InvalidUserId[] = [];
  for (const [index, element] of elements.entries()) {
    // The common case, what `id` accepts, without a schema run per element.
    if (typeof element === 'string' && element.length >= 1 && element.length <= LIMITS.maxIdLength && isStorableText(element)) {
      valid.push(element);
      continue;
    }
    const result = userIdElement.safeParse(element);
    if (result.success) valid.push(result.data);
    else invalid.push(describeInvalid(index, element, 'not a user id (a non-empty string, or a number)'));
  }
  return { valid, invalid };
}

/**
 * How a refused element is reported back: its index and type, and its value
 * only when it is a scalar (a string cut to `LIMITS.maxIdLength`). An array
 * or object is never echoed: a deeply nested one overflowed socket.io-parser's
 * recursive `hasBinary` on the way out and killed the process (issue 24 #1).
 */
export function describeInvalid(index: number, element: unknown, message: string): InvalidUserId {
  if (element === null) return { index, type: 'null', userId: null, message };
  if (Array.isArray(element)) return { index, type: 'array', message };
  switch (typeof element) {
    case 'string':
      return { index, type: 'string', userId: element.slice(0, LIMITS.maxIdLength), message };
    case 'number':
    case 'boolean':
      return { index, type: typeof element, userId: element, message };
    default:
      return { index, type: typeof element === 'object' ? 'object' : typeof element, message };
  }
}

/** `presence:list`: optional `{ cursor?, limit? }` (limit capped by the handler). */
export const presenceListSchema = z
  .object({
    cursor: id.optional(),
    limit: z.int().min(1).optional(),
  })
  .optional() satisfies z.ZodType<PresenceListPayload | undefined>;

/** `conversation:create`: `{ participantIds, title? }` (a `null` title is read as none, as clients send it). */
export const conversationCreateSchema = z.object({
  participantIds: z.array(id).max(LIMITS.maxParticipants),
  title: storable()
    .max(LIMITS.maxTitleLength)
    .nullish()
    .transform((title) => title ?? undefined),
}) satisfies z.ZodType<ConversationCreatePayload>;

/** The protocol sends the bare id; `{ conversationId }` is accepted too, as clients guess it. */
export const conversationIdSchema = z.union([
  id,
  z.object({ conversationId: id }).transform((p) => p.conversationId),
]) satisfies z.ZodType<ConversationId>;

/** `message:send`: `{ conversationId, content, clientMessageId }`. */
export const messageSendSchema = z.object({
  conversationId: id,
  content: storable().min(1).max(LIMITS.maxContentLength),
  clientMessageId: storable().min(1).max(LIMITS.maxClientMessageIdLength),
}) satisfies z.ZodType<MessageSendPayload>;

const seqCursor = z.int().min(0);
/** `conversation:history`: `{ conversationId, afterSeq?, beforeSeq?, limit? }`. */
export const historySchema = z.object({
  conversationId: id,
  afterSeq: seqCursor.optional(),
  beforeSeq: seqCursor.optional(),
  // Larger limits are capped rather than refused, as the protocol says.
  limit: z.int().min(1).optional(),
}) satisfies z.ZodType<HistoryPayload>;

/** `typing:start` / `typing:stop`: `{ conversationId }`. */
export const typingSchema = z.object({ conversationId: id }) satisfies z.ZodType<TypingPayload>;

/**
 * `createConversation` where the edge does not know the creator (server API,
 * `SocketkitServer.createConversation`): `conversation:create`'s schema and
 * `createdBy`. A socket's creator is its user, so the socket edge parses
 * `conversationCreateSchema` alone.
 */
export const newConversationSchema = conversationCreateSchema.extend({ createdBy: id });

/** `appendMessage` where the edge does not know the sender (server API, `SocketkitServer.postMessage`): `message:send`'s schema and `senderId`. */
export const appendMessageSchema = messageSendSchema.extend({ senderId: id });

/** A page size of the inbox lists (protocol 1.2): an integer 1–200, anything else `BAD_REQUEST` (not capped). */
const inboxLimit = z.int().min(1).max(LIMITS.inboxMaxLimit);
/** An opaque page cursor as the server made it (`nextCursor`). */
const pageCursor = z.string().min(1).max(512);

/** `conversation:list`: optional `{ cursor?, limit? }`. */
export const conversationListSchema = z
  .object({ cursor: pageCursor.optional(), limit: inboxLimit.optional() })
  .optional() satisfies z.ZodType<ConversationListPayload | undefined>;

/** `conversation:read`: `{ conversationId, seq }`, `seq` a non-negative integer. */
export const conversationReadSchema = z.object({ conversationId: id, seq: seqCursor }) satisfies z.ZodType<ConversationReadPayload>;

/** `notification:list`: optional `{ cursor?, limit?, unreadOnly? }`. */
export const notificationListSchema = z
  .object({ cursor: pageCursor.optional(), limit: inboxLimit.optional(), unreadOnly: z.boolean().optional() })
  .optional() satisfies z.ZodType<NotificationListPayload | undefined>;

/**
 * `notification:read`: `{ ids }` (at most 1,000; too many is
 * `PAYLOAD_TOO_LARGE`) or `{ all: true }`, exactly one of them.
 */
export const notificationReadSchema = z
  .object({
    ids: z.array(id).max(LIMITS.maxNotificationReadIds).optional(),
    all: z.literal(true).optional(),
  })
  .refine((value) => (value.ids === undefined) !== (value.all === undefined), 'either ids or all: true')
  .transform((value): NotificationReadPayload => (value.all ? { all: true } : { ids: value.ids ?? [] }));

/** JSON of at most `LIMITS.maxNotificationDataBytes` bytes (over it: an over-limit issue, so `PAYLOAD_TOO_LARGE`). */
const notificationData = z.unknown().superRefine((value, ctx) => {
  if (value === undefined) return;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    ctx.addIssue({ code: 'custom', message: 'data must be JSON' });
    return;
  }
  if (Buffer.byteLength(json, 'utf8') > LIMITS.maxNotificationDataBytes) {
    const maximum = LIMITS.maxNotificationDataBytes;
    ctx.addIssue({ code: 'too_big', origin: 'string', maximum, inclusive: true, input: json, message: `At most ${maximum} bytes of JSON` });
  }
});

/**
 * A notification to store and deliver (`SocketkitServer.notify`, the server
 * API, the mock server's `POST /api/notifications`): `title` 1–200
 * characters, `body` at most 2,000 (may be empty), `link` at most 2,048,
 * `data` at most 8,192 bytes of JSON.
 */
export const notifySchema = z.object({
  title: z.string().min(1).max(LIMITS.maxNotificationTitleLength),
  body: z.string().max(LIMITS.maxNotificationBodyLength),
  link: z.string().min(1).max(LIMITS.maxNotificationLinkLength).optional(),
  data: notificationData.optional(),
}) satisfies z.ZodType<NotifyRequest>;

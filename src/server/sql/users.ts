/**
 * What connects and disconnects ask of the SQL store, in batches (see
 * batcher.ts), one statement per batch: profile upserts, and the
 * conversation ids of users whose presence changed or who watch others'
 * (their contacts are those conversations' participants, from the
 * conversation cache: sql-store.ts).
 */
import type { ProfileClaims } from '../auth/auth.js';
import type { Outcome } from './batcher.js';
import type { SqlExecutor } from './database.js';

/** Most requests (profiles and users looked up) per connect statement. */
export const MAX_CONNECT_BATCH = 500;

/** Bytes of one profile's claims, for the batch bound. */
export const claimBytes = (p: ProfileClaims): number =>
  p.id.length + (p.name?.length ?? 0) + (p.email?.length ?? 0) + (p.avatarUrl?.length ?? 0);

/** The profiles of a batch, `$1`–`$4`: ids, names, emails, avatar URLs (null: not given). */
const INPUT_PROFILES = `input (id, name, email, avatar_url) AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  )`;

/**
 * Given claims win, absent ones keep the stored value; a new user without a
 * name is named by its id. Rows whose claims change nothing are left out
 * before the INSERT, so an unchanged profile takes no row lock and writes
 * nothing (no WAL, no commit record, no fsync); `ON CONFLICT … DO UPDATE`
 * alone would lock the row, and locking writes. Rows go in id order, so two
 * nodes' batches lock in the same order and never deadlock. Reads `input`.
 */
const INSERT_PROFILES = `
  INSERT INTO socketkit_users AS u (id, name, email, avatar_url)
  SELECT i.id, COALESCE(i.name, i.id), i.email, i.avatar_url FROM input i
  WHERE NOT EXISTS (
    SELECT 1 FROM socketkit_users s
    WHERE s.id = i.id
      AND (i.name IS NULL OR i.name = s.name)
      AND (i.email IS NULL OR i.email IS NOT DISTINCT FROM s.email)
      AND (i.avatar_url IS NULL OR i.avatar_url IS NOT DISTINCT FROM s.avatar_url)
  )
  ORDER BY i.id
  ON CONFLICT (id) DO UPDATE SET
    name = COALESCE((SELECT i.name FROM input i WHERE i.id = EXCLUDED.id), u.name),
    email = COALESCE((SELECT i.email FROM input i WHERE i.id = EXCLUDED.id), u.email),
    avatar_url = COALESCE((SELECT i.avatar_url FROM input i WHERE i.id = EXCLUDED.id), u.avatar_url)`;

const UPSERT_USERS = `WITH ${INPUT_PROFILES} ${INSERT_PROFILES}`;

/** The conversation ids of the users of `$1` (or `$5`, after the profiles), one row per user who has any. */
const CONVERSATION_IDS = (param: string) => `
  SELECT user_id, array_agg(conversation_id) AS ids FROM socketkit_participants
  WHERE user_id = ANY (${param}::text[]) GROUP BY user_id`;

/**
 * The upsert and the lookup in one statement: the INSERT runs as a
 * data-modifying WITH clause (PostgreSQL runs it once, to completion, read
 * or not), the SELECT answers the lookup. One round trip and one plan for a
 * batch of connects; the commit's flush only when a profile changed.
 */
const UPSERT_USERS_THEN_CONVERSATION_IDS = `WITH ${INPUT_PROFILES}, upserted AS (${INSERT_PROFILES}) ${CONVERSATION_IDS('$5')}`;

/** The claims of one user merged in order: later given fields win, as successive upserts would. */
function mergeByUser(profiles: readonly ProfileClaims[]): ProfileClaims[] {
  const merged = new Map<string, ProfileClaims>();
  for (const profile of profiles) {
    const before = merged.get(profile.id);
    if (!before) {
      merged.set(profile.id, profile);
      continue;
    }
    const next: ProfileClaims = { ...before };
    if (profile.name !== undefined) next.name = profile.name;
    if (profile.email !== undefined) next.email = profile.email;
    if (profile.avatarUrl !== undefined) next.avatarUrl = profile.avatarUrl;
    merged.set(profile.id, next);
  }
  return [...merged.values()];
}

const profileColumns = (profiles: readonly ProfileClaims[]): (string | null)[][] => [
  profiles.map((p) => p.id),
  profiles.map((p) => p.name ?? null),
  profiles.map((p) => p.email ?? null),
  profiles.map((p) => p.avatarUrl ?? null),
];

async function upsertStatement(db: SqlExecutor, profiles: readonly ProfileClaims[]): Promise<void> {
  await db.query(UPSERT_USERS, profileColumns(profiles));
}

/** A failure caused by one row's data (SQLSTATE class 22, 23) or a lock conflict (40): worth retrying in parts. */
const isRowFailure = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|40)/.test(code);
};

/**
 * Upserts a batch of profiles in one statement; one outcome per profile.
 * When the statement fails for one profile's data (SQLSTATE class 22, e.g.
 * a NUL character), each distinct user is upserted alone, so only its own
 * connects see the error.
 */
export async function upsertUsers(db: SqlExecutor, profiles: readonly ProfileClaims[]): Promise<Outcome<void>[]> {
  const merged = mergeByUser(profiles);
  try {
    await upsertStatement(db, merged);
    return profiles.map(() => ({ ok: true, value: undefined }));
  } catch (error) {
    if (merged.length === 1 || !isRowFailure(error)) throw error;
  }
  const failed = new Map<string, unknown>();
  for (const profile of merged) {
    try {
      await upsertStatement(db, [profile]);
    } catch (error) {
      failed.set(profile.id, error);
    }
  }
  return profiles.map((p) => (failed.has(p.id) ? { ok: false, error: failed.get(p.id) } : { ok: true, value: undefined }));
}

/** The conversation ids of each of `userIds` (distinct or not), in one query; one outcome per user, in order. */
export async function lookUpConversationIds(db: SqlExecutor, userIds: readonly string[]): Promise<Outcome<string[]>[]> {
  const { rows } = await db.query<{ user_id: string; ids: string[] }>(CONVERSATION_IDS('$1'), [[...new Set(userIds)]]);
  return answerLookups(userIds, rows);
}

function answerLookups(userIds: readonly string[], rows: readonly { user_id: string; ids: string[] }[]): Outcome<string[]>[] {
  const byUser = new Map(rows.map((row) => [row.user_id, row.ids]));
  // Each caller gets its own array: a caller may keep or change it.
  return userIds.map((id) => ({ ok: true, value: [...(byUser.get(id) ?? [])] }));
}

/**
 * What connects ask of the database: a profile to upsert (answered
 * `undefined` once it is stored) or a user's conversation ids (answered with
 * them).
 */
export type ConnectRequest = { profile: ProfileClaims } | { conversationsOf: string };

/** Bytes of a request, for the batch bound. */
export const connectRequestBytes = (request: ConnectRequest): number =>
  'profile' in request ? claimBytes(request.profile) : request.conversationsOf.length;

/**
 * A batch of connect requests in one statement: the profiles upserted and
 * the conversation ids looked up together ({@link UPSERT_USERS_THEN_CONVERSATION_IDS}),
 * or whichever of the two the batch has. When the joint statement fails for
 * one row's data (a NUL character in a name) the two go separately:
 * {@link upsertUsers} refuses only the connects of that user, and a failure
 * of either part refuses only that part's requests. Rejects (every request
 * of the batch) only when the joint statement fails for another reason (the
 * database unreachable). One outcome per request, in order.
 */
export async function runConnectBatch(db: SqlExecutor, requests: readonly ConnectRequest[]): Promise<Outcome<string[] | undefined>[]> {
  const profiles: ProfileClaims[] = [];
  const userIds: string[] = [];
  for (const request of requests) {
    if ('profile' in request) profiles.push(request.profile);
    else userIds.push(request.conversationsOf);
  }
  let upserts: Outcome<void>[] | undefined;
  let lookups: Outcome<string[]>[] | undefined;
  if (profiles.length > 0 && userIds.length > 0) {
    try {
      const { rows } = await db.query<{ user_id: string; ids: string[] }>(UPSERT_USERS_THEN_CONVERSATION_IDS, [
        ...profileColumns(mergeByUser(profiles)),
        [...new Set(userIds)],
      ]);
      upserts = profiles.map(() => ({ ok: true, value: undefined }));
      lookups = answerLookups(userIds, rows);
    } catch (error) {
      if (!isRowFailure(error)) throw error;
    }
  }
  // Apart, a failure of one part refuses only its own requests: a lone bad profile (upsertUsers
  // throws when there is nothing to split) must not fail the lookups of other users' connects.
  const refuseAll = <T>(count: number) => (error: unknown): Outcome<T>[] => Array.from({ length: count }, () => ({ ok: false, error }));
  upserts ??= profiles.length > 0 ? await upsertUsers(db, profiles).catch(refuseAll<void>(profiles.length)) : [];
  lookups ??= userIds.length > 0 ? await lookUpConversationIds(db, userIds).catch(refuseAll<string[]>(userIds.length)) : [];
  let nextUpsert = 0;
  let nextLookup = 0;
  return requests.map((request): Outcome<string[] | undefined> => {
    if (!('profile' in request)) return lookups[nextLookup++] as Outcome<string[]>;
    const upsert = upserts[nextUpsert++] as Outcome<void>;
    return upsert.ok ? { ok: true, value: undefined } : upsert;
  });
}

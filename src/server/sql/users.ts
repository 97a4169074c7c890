/**
 * What connects and disconnects ask of the SQL store, in batches (see
 * batcher.ts): profile upserts, and the conversation ids of users whose
 * presence changed or who watch others' (their contacts are those
 * conversations' participants, from the conversation cache: sql-store.ts).
 */
import type { ProfileClaims } from '../auth/auth.js';
import type { Outcome } from './batcher.js';
import type { SqlExecutor } from './database.js';

/** Most profiles per upsert statement. */
export const MAX_UPSERT_BATCH = 500;
/** Most users per conversation lookup. */
export const MAX_LOOKUP_BATCH = 500;

/** Bytes of one profile's claims, for the batch bound. */
export const claimBytes = (p: ProfileClaims): number =>
  p.id.length + (p.name?.length ?? 0) + (p.email?.length ?? 0) + (p.avatarUrl?.length ?? 0);

/**
 * Given claims win, absent ones keep the stored value; a new user without a
 * name is named by its id. Rows whose claims change nothing are left out
 * before the INSERT, so an unchanged profile takes no row lock and writes
 * nothing (no WAL, no commit record, no fsync); `ON CONFLICT … DO UPDATE`
 * alone would lock the row, and locking writes. Rows go in id order, so two
 * nodes' batches lock in the same order and never deadlock.
 */
const UPSERT_USERS = `
  WITH input (id, name, email, avatar_url) AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  )
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

async function upsertStatement(db: SqlExecutor, profiles: readonly ProfileClaims[]): Promise<void> {
  await db.query(UPSERT_USERS, [
    profiles.map((p) => p.id),
    profiles.map((p) => p.name ?? null),
    profiles.map((p) => p.email ?? null),
    profiles.map((p) => p.avatarUrl ?? null),
  ]);
}

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
    const code = (error as { code?: unknown } | null)?.code;
    if (merged.length === 1 || typeof code !== 'string' || !/^(22|23|40)/.test(code)) throw error;
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
  const distinct = [...new Set(userIds)];
  const { rows } = await db.query<{ user_id: string; ids: string[] }>(
    `SELECT user_id, array_agg(conversation_id) AS ids FROM socketkit_participants
     WHERE user_id = ANY ($1::text[]) GROUP BY user_id`,
    [distinct],
  );
  const byUser = new Map(rows.map((row) => [row.user_id, row.ids]));
  // Each caller gets its own array: a caller may keep or change it.
  return userIds.map((id) => ({ ok: true, value: [...(byUser.get(id) ?? [])] }));
}

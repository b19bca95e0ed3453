import session from "express-session";
import connectPgSimple from "connect-pg-simple";
import type { Request, RequestHandler } from "express";
import { and, eq, sql } from "drizzle-orm";
import { sessions, users } from "../db/schema";
import type { AppDeps } from "../deps";

export function sessionCookieName(deps: AppDeps): string {
  return deps.env.nodeEnv === "production" ? "__Host-vad.sid" : "vad.sid";
}

/** How often a rolling session's expiry is written back to the sessions table (the cookie still rolls on every answer). */
export const SESSION_TOUCH_INTERVAL_MS = 10 * 60 * 1000;

/**
 * rolling: true makes express-session touch the store on every request, and it holds back the last byte of the
 * answer until connect-pg-simple's UPDATE has committed: a synchronous write in front of every read (measured by
 * `npm run bench`). The row's expiry (14 days) is refreshed at most every SESSION_TOUCH_INTERVAL_MS per session
 * and process instead; it lags the cookie by at most that interval.
 */
type UserRow = typeof users.$inferSelect;

/**
 * Users read together with their session, for loadContext to take (same request, so never older than that read).
 * One per app (createApp), never shared between apps.
 */
export class SessionUserHandoff {
  private readonly users = new Map<string, { user: UserRow; at: number }>();

  put(sid: string, user: UserRow): void {
    if (this.users.size >= 10_000) this.users.clear();
    this.users.set(sid, { user, at: Date.now() });
  }

  /** The signed-in user read in the same query as the session `sid`, if it is `userId` and fresh; once. */
  take(sid: string, userId: string): UserRow | null {
    const entry = this.users.get(sid);
    if (!entry) return null;
    this.users.delete(sid);
    return entry.user.id === userId && Date.now() - entry.at < 5_000 ? entry.user : null;
  }
}

const UUID_TEXT = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

function throttledPgStore(PgStore: ReturnType<typeof connectPgSimple>, deps: AppDeps, handoff: SessionUserHandoff) {
  return class ThrottledPgStore extends PgStore {
    private readonly touchedAt = new Map<string, number>();

    /**
     * connect-pg-simple's read, joined with the session's user: one round trip instead of two on every signed-in
     * request (npm run bench, history), with the same expiry rule. Built once (drizzle's query building costs more
     * than the round trip) and prepared once per connection.
     */
    private readonly sessionWithUser = deps.db
      .select({ sess: sessions.sess, user: users })
      .from(sessions)
      .leftJoin(
        users,
        eq(users.id, sql`case when ${sessions.sess}->>'userId' ~ ${UUID_TEXT} then (${sessions.sess}->>'userId')::uuid end`),
      )
      .where(and(eq(sessions.sid, sql.placeholder("sid")), sql`${sessions.expire} >= to_timestamp(${sql.placeholder("now")})`))
      .prepare("vad_session_with_user");

    override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
      this.sessionWithUser
        .execute({ sid, now: Math.ceil(Date.now() / 1000) })
        .then(
          ([row]) => {
            if (!row) return callback(null, null);
            let data: session.SessionData;
            try {
              data = (typeof row.sess === "string" ? JSON.parse(row.sess) : row.sess) as session.SessionData;
            } catch {
              return this.destroy(sid, callback);
            }
            if (row.user) handoff.put(sid, row.user);
            callback(null, data);
          },
          (err: unknown) => callback(err),
        );
    }

    override touch(sid: string, sess: session.SessionData, callback?: () => void): void {
      const now = Date.now();
      const last = this.touchedAt.get(sid);
      if (last !== undefined && now - last < SESSION_TOUCH_INTERVAL_MS) {
        callback?.();
        return;
      }
      if (this.touchedAt.size >= 50_000) this.touchedAt.clear();
      this.touchedAt.set(sid, now);
      super.touch(sid, sess, callback);
    }
  };
}

export function createSessionMiddleware(deps: AppDeps, handoff: SessionUserHandoff): RequestHandler {
  const PgStore = throttledPgStore(connectPgSimple(session), deps, handoff);
  const secure = deps.env.nodeEnv === "production";
  return session({
    name: sessionCookieName(deps),
    secret: deps.env.sessionSecret,
    store: new PgStore({ pool: deps.db.$client, tableName: "sessions", createTableIfMissing: false, pruneSessionInterval: 15 * 60 }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: secure,
    cookie: { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 1000 * 60 * 60 * 24 * 14 },
  });
}

/** Starts a fresh session for `userId` (a new id at every sign-in, against session fixation). */
export function signIn(req: Request, userId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

export function signOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

import session from "express-session";
import connectPgSimple from "connect-pg-simple";
import type { Request, RequestHandler } from "express";
import type { AppDeps } from "../lib/context";

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
function throttledPgStore(PgStore: ReturnType<typeof connectPgSimple>) {
  return class ThrottledPgStore extends PgStore {
    private readonly touchedAt = new Map<string, number>();
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

export function createSessionMiddleware(deps: AppDeps): RequestHandler {
  const PgStore = throttledPgStore(connectPgSimple(session));
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

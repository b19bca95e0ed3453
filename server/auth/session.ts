import session from "express-session";
import connectPgSimple from "connect-pg-simple";
import type { Request, RequestHandler } from "express";
import type { AppDeps } from "../lib/context";

export function sessionCookieName(deps: AppDeps): string {
  return deps.env.nodeEnv === "production" ? "__Host-vad.sid" : "vad.sid";
}

export function createSessionMiddleware(deps: AppDeps): RequestHandler {
  const PgStore = connectPgSimple(session);
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

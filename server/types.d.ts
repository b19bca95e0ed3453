import type { Ctx } from "./services/context";
import type { SignInAttempt } from "./auth/sign-in-throttle";

declare global {
  namespace Express {
    interface Request {
      ctx?: Ctx;
      id: string | number | object;
      /** Set by the sign-in throttle when rate limits are on; the route reports a right password to it. */
      signInAttempt?: SignInAttempt;
    }
  }
}

declare module "express-session" {
  interface SessionData {
    userId?: string;
    oidc?: { state: string; nonce: string; codeVerifier: string; returnTo: string; inviteToken?: string };
  }
}

export {};

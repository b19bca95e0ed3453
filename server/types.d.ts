import type { Ctx } from "./lib/context";

declare global {
  namespace Express {
    interface Request {
      ctx?: Ctx;
      id: string | number | object;
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

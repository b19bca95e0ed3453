import type { Ctx } from "./services/context";

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

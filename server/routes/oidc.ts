/** "Sign in with SSO": GET /api/auth/login redirects to the provider, GET /api/auth/callback comes back. */
import { z } from "zod";
import type { Request, Response } from "express";
import { oidcLoginQuery } from "@shared/schemas";
import type { AppDeps } from "../deps";
import type { ApiRouter } from "./api-router";
import { AppError } from "../lib/errors";
import { signIn } from "../auth/session";
import { OidcClient } from "../services/auth/oidc";
import { signInWithOidc } from "../services/auth/oidc-users";

const callbackQuery = z.object({}).passthrough();

function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

/** Browser-facing failures go back to the sign-in page with a code it can explain. */
function redirectToLogin(res: Response, err: unknown) {
  if (!(err instanceof AppError)) throw err;
  res.redirect(302, `/login?error=${encodeURIComponent(err.code)}`);
}

export function oidcRoutes(api: ApiRouter, deps: AppDeps) {
  const oidc = deps.env.oidc ? new OidcClient(deps.env.oidc, deps.env.appUrl, deps.log) : null;
  const notConfigured = () => new AppError("not_found", 404, "Single sign-on is not configured");

  api.define(
    {
      method: "get",
      path: "/auth/login",
      summary: "Start single sign-on: redirects to the OIDC provider (PKCE, state, nonce)",
      access: "public",
      query: oidcLoginQuery,
      status: 302,
    },
    async ({ query, req, res }) => {
      if (!oidc) throw notConfigured();
      try {
        const { url, pending } = await oidc.startLogin(query);
        req.session.oidc = pending;
        await saveSession(req);
        res.redirect(302, url);
      } catch (err) {
        redirectToLogin(res, err);
      }
    },
  );

  api.define(
    {
      method: "get",
      path: "/auth/callback",
      summary: "OIDC callback: signs in (creating the user and organization at first) and redirects",
      access: "public",
      query: callbackQuery,
      status: 302,
    },
    async ({ req, res }) => {
      if (!oidc) throw notConfigured();
      // One-time: forget the pending login before anything else, so a replayed callback finds nothing.
      const pending = req.session?.oidc;
      if (req.session?.oidc) {
        delete req.session.oidc;
        await saveSession(req);
      }
      try {
        if (!pending) throw new AppError("sso_expired", 400, "The sign-in attempt expired; start again");
        const identity = await oidc.finishLogin(new URL(req.originalUrl, deps.env.appUrl), pending);
        const userId = await signInWithOidc(deps, identity, pending.inviteToken, req.ip);
        await signIn(req, userId);
        res.redirect(302, pending.returnTo);
      } catch (err) {
        redirectToLogin(res, err);
      }
    },
  );
}

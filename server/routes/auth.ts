import { authProviders, invitationPreview, invitationPreviewInput, loginInput, registerInput, user } from "@shared/schemas";
import { z } from "zod";
import type { ApiRouter } from "./api-router";
import type { AppDeps } from "../deps";
import { AppError } from "../lib/errors";
import { signIn, signOut, sessionCookieName } from "../auth/session";
import { registerUser } from "../services/auth/register";
import { previewInvitation } from "../services/auth/invitation-preview";
import { getUserView } from "../services/auth/users";
import { ensureDevAdmin, signInWithPassword } from "../services/auth/sign-in";

export function authRoutes(api: ApiRouter, deps: AppDeps) {
  api.define(
    { method: "get", path: "/auth/providers", summary: "Sign-in methods", access: "public", response: authProviders },
    () => ({ password: true, oidc: Boolean(deps.env.oidc), devLogin: deps.env.nodeEnv === "development", emailConfirmation: Boolean(deps.env.smtpUrl) }),
  );

  api.define(
    { method: "post", path: "/auth/register", summary: "Create an account", access: "public", body: registerInput, response: user, status: 201 },
    async ({ body, req }) => {
      const userId = await registerUser(deps, body, req.ip);
      await signIn(req, userId);
      return getUserView(deps, userId);
    },
  );

  api.define(
    { method: "post", path: "/auth/invitations/preview", summary: "Who an invite link is for (pre-fills the accept page)", access: "public", body: invitationPreviewInput, response: invitationPreview },
    ({ body }) => previewInvitation(deps, body.token),
  );

  api.define(
    { method: "post", path: "/auth/login/password", summary: "Sign in with a password", access: "public", body: loginInput, response: user },
    async ({ body, req }) => {
      const userId = await signInWithPassword(deps, body, req.ip, async (id) => {
        await req.signInAttempt?.succeeded();
        await signIn(req, id);
      });
      return getUserView(deps, userId);
    },
  );

  api.define({ method: "get", path: "/auth/user", summary: "The signed-in user", access: "user", response: user }, async ({ ctx }) => {
    const view = await getUserView(deps, ctx.userId);
    if (!view) throw new AppError("unauthorized", 401, "Sign in to continue");
    return view;
  });

  api.define({ method: "post", path: "/auth/logout", summary: "Sign out", access: "public", status: 204 }, async ({ req, res }) => {
    if (req.session) await signOut(req);
    res.clearCookie(sessionCookieName(deps), { path: "/" });
    res.status(204).end();
  });

  api.define(
    { method: "post", path: "/dev-admin-login", summary: "Development only: sign in as a platform admin", access: "public", body: z.object({}).passthrough(), response: user },
    async ({ req }) => {
      if (deps.env.nodeEnv !== "development") throw new AppError("not_found", 404, "Not found");
      const userId = await ensureDevAdmin(deps);
      await signIn(req, userId);
      return getUserView(deps, userId);
    },
  );
}

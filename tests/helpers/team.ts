/** Team factories: invite someone with a role and have them join through the real register endpoint. */
import type { Express } from "express";
import type request from "supertest";
import type { Role } from "@shared/permissions";
import { signUp, uniqueEmail } from "./app";

type Agent = ReturnType<typeof request.agent>;

export function tokenOf(inviteUrl: string): string {
  return new URL(inviteUrl).searchParams.get("token") ?? "";
}

export async function invite(owner: Agent, role: Role, email = uniqueEmail(role)) {
  const res = await owner.post("/api/team/invitations").send({ email, role });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    email,
    token: tokenOf(res.body.inviteUrl),
    inviteUrl: res.body.inviteUrl as string,
    invitationId: res.body.invitation.id as string,
  };
}

/** A signed-in member of `owner`'s organization with `role`. */
export async function joinAs(app: Express, owner: Agent, role: Role) {
  const { email, token } = await invite(owner, role);
  return signUp(app, { email, inviteToken: token });
}

/** POST /api/auth/invitations/preview: the accept page learns who the link is for, and nothing else leaks. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { invite } from "../helpers/team";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("invitation preview", () => {
  it("names the invited email, role and organization for a pending invitation", async () => {
    const { agent } = await signUp(t.app, { organizationName: "Preview Org" });
    const { email, token } = await invite(agent, "viewer");
    const res = await request(t.app).post("/api/auth/invitations/preview").send({ token }).expect(200);
    expect(res.body).toEqual({ email, role: "viewer", organizationName: "Preview Org", expiresAt: expect.any(String) });
  });

  it("answers 404 for an unknown or used token, and 400 without one", async () => {
    const { agent } = await signUp(t.app);
    const { email, token } = await invite(agent, "member");
    await request(t.app).post("/api/auth/invitations/preview").send({ token: "not-a-real-token" }).expect(404);
    await signUp(t.app, { email, inviteToken: token });
    const used = await request(t.app).post("/api/auth/invitations/preview").send({ token }).expect(404);
    expect(used.body.error.code).toBe("invalid_invitation");
    expect(JSON.stringify(used.body)).not.toContain(email);
    const missing = await request(t.app).post("/api/auth/invitations/preview").send({}).expect(400);
    expect(missing.body.error.fields.token).toBeDefined();
  });
});

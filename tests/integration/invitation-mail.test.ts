import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { startFakeSmtp } from "../helpers/fake-smtp";

let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
let t: TestApp;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

describe("invitation mail", () => {
  it("mails the invite link when SMTP_URL is set, and still shows it to copy", async () => {
    const { agent } = await signUp(t.app);
    const email = uniqueEmail("invitee");
    const res = await agent.post("/api/team/invitations").send({ email, role: "viewer" }).expect(201);
    expect(res.body.inviteUrl).toMatch(/^http:\/\/app\.test\/register\?token=/);
    // The owner's own sign-up mailed a confirmation link (issue 16): look at the invitee's mail only.
    const toInvitee = () => smtp.messages.filter((m) => m.to.includes(`<${email}>`));
    await expect.poll(() => toInvitee().length).toBe(1);
    const [mail] = toInvitee();
    expect(mail.to).toEqual([`<${email}>`]);
    // Quoted-printable may fold long lines: compare without soft line breaks.
    expect(mail.data.replace(/=\r\n/g, "").replace(/=3D/g, "=")).toContain(res.body.inviteUrl);
    expect(mail.data).toContain("Subject: You are invited to VoiceAI Dashboard");
  });

  it("keeps the invitation when the mail server is unreachable", async () => {
    const down = await createTestApp({ env: { SMTP_URL: "smtp://127.0.0.1:9" } });
    try {
      const { agent } = await signUp(down.app);
      const res = await agent.post("/api/team/invitations").send({ email: uniqueEmail("invitee"), role: "member" }).expect(201);
      expect(res.body.inviteUrl).toContain("token=");
      expect((await agent.get("/api/team/members").expect(200)).body.invitations).toHaveLength(1);
    } finally {
      await down.close();
    }
  });
});

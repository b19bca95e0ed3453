/** Accounts through the real API, as a customer would create them. */
import { randomBytes } from "node:crypto";
import type { Client } from "./http";

export async function registerOwner(
  client: Client,
  organizationName: string,
): Promise<{ cookie: string; organizationId: string; email: string }> {
  const email = `bench-${randomBytes(4).toString("hex")}@example.com`;
  const res = await client.send({
    method: "POST",
    path: "/api/auth/register",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery staple", name: "Bench Owner", organizationName }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.body}`);
  const setCookie = res.headers["set-cookie"];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ""]).map((c) => c.split(";")[0]).join("; ");
  const user = JSON.parse(res.body) as { organizationId?: string; organization?: { id: string } };
  const organizationId = user.organizationId ?? user.organization?.id;
  if (!organizationId) throw new Error(`register: no organization id in ${res.body.slice(0, 200)}`);
  return { cookie, organizationId, email };
}

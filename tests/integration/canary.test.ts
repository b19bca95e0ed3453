import { describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SECRET_PATTERN, takeLeaks } from "../setup/canary";

describe("secret canary", () => {
  it("recognises every key and secret shape the tests use", () => {
    for (const s of ["sk_test_workspace_a_9f3c", "sk_fake_demo_key_0001", "whsec_abc", "sk_wrong_key_1234"]) expect(SECRET_PATTERN.test(s)).toBe(true);
    expect(SECRET_PATTERN.test("…9f3c")).toBe(false);
  });

  it("catches a secret written by any server in this process", async () => {
    const server = http.createServer((_req, res) => res.end(JSON.stringify({ leaked: "sk_test_oops_1234" })));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`).then((r) => r.text());
    } finally {
      server.close();
    }
    expect(takeLeaks()).toEqual(["GET /x: sk_test_oops_1234"]);
  });
});

/**
 * Bytes per route: the JavaScript a first visit to a page downloads, gzip-compressed, against the
 * budgets (landing and sign-in under 150 KB, app shell plus dashboard with its chart under 300 KB).
 */
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect, test, type Page } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { FAKE_AGENT_ID, FAKE_KEY } from "./support/constants";

const DIST = path.resolve("dist/public");
const KB = 1024;
const sizes: Record<string, { files: number; gzipKb: number }> = {};

/** Opens `url` in a fresh tab and sums the gzip size of every script it loads until `ready` holds. */
async function measure(page: Page, label: string, url: string, ready: (page: Page) => Promise<void>) {
  const scripts = new Set<string>();
  page.on("response", (response) => {
    const { pathname } = new URL(response.url());
    if (pathname.endsWith(".js")) scripts.add(pathname);
  });
  await page.goto(url);
  await ready(page);
  let bytes = 0;
  for (const script of scripts) bytes += gzipSync(fs.readFileSync(path.join(DIST, script)), { level: 9 }).length;
  sizes[label] = { files: scripts.size, gzipKb: Math.round((bytes / KB) * 10) / 10 };
  return bytes;
}

test.afterAll(() => {
  fs.mkdirSync("test-results", { recursive: true });
  fs.writeFileSync("test-results/bundle-sizes.json", `${JSON.stringify(sizes, null, 2)}\n`);
  console.log("JavaScript per route (gzip):", sizes);
});

test("landing and sign-in stay under 150 KB of JavaScript", async ({ browser }) => {
  for (const [label, url, heading] of [
    ["landing", "/", /monitor|voice/i],
    ["login", "/login", "Sign in"],
    ["register", "/register", "Create your account"],
  ] as const) {
    const page = await browser.newPage();
    const bytes = await measure(page, label, url, async (p) => {
      await expect(p.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    });
    expect(bytes, `${label}: ${bytes} bytes gzip`).toBeLessThan(150 * KB);
    await page.close();
  }
});

test("the app shell with the dashboard and its chart stays under 300 KB", async ({ page, context }) => {
  await signUp(page, newAccount("bytes"));
  // An organization with an agent, so the dashboard draws its chart (and loads Recharts).
  expect((await page.request.post("/api/integrations", { data: { provider: "elevenlabs", apiKey: FAKE_KEY } })).ok()).toBe(true);
  expect((await page.request.post("/api/agents", { data: { elevenLabsAgentId: FAKE_AGENT_ID } })).status()).toBe(201);

  const fresh = await context.newPage();
  const bytes = await measure(fresh, "dashboard", "/dashboard", async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await expect(p.getByRole("figure", { name: /daily calls and minutes/i }).locator("svg").first()).toBeVisible();
  });
  expect(bytes, `dashboard: ${bytes} bytes gzip`).toBeLessThan(300 * KB);
});

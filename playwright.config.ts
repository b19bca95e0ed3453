/**
 * End-to-end tests in Debian's Chromium against the built app (`npm run build` first), with a fresh
 * embedded PostgreSQL and the fake ElevenLabs server. Screenshots (every page, light and dark, 1280 and
 * 390 px wide) go to test-results/screenshots/, JavaScript sizes per route to test-results/bundle-sizes.json.
 * Locally, E2E_SKIP_INSPECT=1 skips axe and screenshots to iterate on a flow faster (ignored on CI).
 */
import { defineConfig, devices } from "@playwright/test";
import { APP_PORT, APP_URL, FAKE_ELEVENLABS_PORT } from "./tests/e2e/support/constants";

const CI = !!process.env.CI;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  // One app and one database for the run: specs make their own organizations, so they stay independent.
  workers: 1,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  timeout: 240_000,
  expect: { timeout: 15_000 },
  reporter: CI ? [["list"], ["html", { outputFolder: "test-results/html-report", open: "never" }]] : [["list"]],
  use: {
    baseURL: APP_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    locale: "en-US",
    timezoneId: "UTC",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      // One node process per server (no npx/tsx wrappers), so it gets the stop signal itself and can clean up.
      command: "node --import tsx tests/e2e/support/fake-elevenlabs.ts",
      port: FAKE_ELEVENLABS_PORT,
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 30_000,
    },
    {
      command: "node --import tsx tests/e2e/support/start-app.ts",
      url: `http://127.0.0.1:${APP_PORT}/readyz`,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      timeout: 180_000,
      // Lets the app stop its embedded PostgreSQL and remove its data directory.
      gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    },
  ],
});

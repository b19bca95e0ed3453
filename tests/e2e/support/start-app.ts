/**
 * Playwright webServer: the built app as `npm start` runs it, on a fresh data directory, so the embedded
 * PostgreSQL starts empty, pointed at the fake ElevenLabs. The directory is removed when the app stops.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { APP_PORT, APP_URL, DATA_DIR_RECORD, FAKE_ELEVENLABS_URL, PLATFORM_ADMIN_EMAIL } from "./constants";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vad-e2e-"));
// The embedded PostgreSQL runs as another user when we are root: it must be able to enter the directory.
fs.chmodSync(dataDir, 0o755);
fs.writeFileSync(DATA_DIR_RECORD, dataDir);
process.on("exit", () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(DATA_DIR_RECORD, { force: true });
});

Object.assign(process.env, {
  PORT: String(APP_PORT),
  APP_URL,
  DATA_DIR: dataDir,
  ELEVENLABS_API_URL: FAKE_ELEVENLABS_URL,
  PLATFORM_ADMIN_EMAILS: PLATFORM_ADMIN_EMAIL,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  // Alert channels post to receivers the specs start on 127.0.0.1, evaluated often enough to watch a rule fire.
  ALLOW_PRIVATE_TARGETS: "true",
  ALERT_INTERVAL_SECONDS: "5",
  // Every browser sign-up comes from 127.0.0.1 or ::1 (a 127.0.0.n destination still leaves from 127.0.0.1): the
  // suite registers more accounts an hour than the production default allows one address.
  REGISTRATIONS_PER_HOUR: "100",
});
delete process.env.DATABASE_URL;
delete process.env.NODE_ENV;

await import("../../../server/index");

/** Fixed values shared by the e2e servers (started by Playwright's webServer) and the specs. */
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 5055);
export const FAKE_ELEVENLABS_PORT = Number(process.env.E2E_FAKE_ELEVENLABS_PORT ?? 5056);
export const APP_URL = `http://127.0.0.1:${APP_PORT}`;
export const FAKE_ELEVENLABS_URL = `http://127.0.0.1:${FAKE_ELEVENLABS_PORT}`;

/** The fake workspace's key and its agent, with past conversations for the backfill. */
export const FAKE_KEY = "sk_fake_demo_key_0001";
export const FAKE_AGENT_ID = "agent_support_desk";
export const FAKE_AGENT_NAME = "Support Desk";
export const BACKFILL_CONVERSATIONS = 12;
export const PLATFORM_ADMIN_EMAIL = "platform-admin@e2e.example";
/**
 * The same app reached over IPv6 loopback. Specs of everyday use visit it this way: both addresses must
 * work for a local user (DESIGN §5 origin check), and their sign-ups draw on their own per-address budget
 * (10 registrations an hour), which the rest of the suite already spends from 127.0.0.1.
 */
export const APP_URL_IPV6 = `http://[::1]:${APP_PORT}`;

/**
 * The app on another loopback address, 127.0.0.n (the server listens on every address): a separate cookie jar
 * for a spec. Connections to it still leave from 127.0.0.1, so it shares 127.0.0.1's per-address limits (the e2e
 * app raises REGISTRATIONS_PER_HOUR for the suite's sign-ups).
 */
export function appUrlOn(n: number): string {
  return `http://127.0.0.${n}:${APP_PORT}`;
}

/**
 * Where the app under test keeps its data (DATA_DIR), written by start-app.ts: specs run the server's shell commands
 * (`npm run admin:grant`) against the same embedded PostgreSQL, as an operator would.
 */
export const DATA_DIR_RECORD = `${process.env.TMPDIR ?? "/tmp"}/vad-e2e-${APP_PORT}.data-dir`;

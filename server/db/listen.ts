/**
 * A dedicated connection that LISTENs on one channel (the projector's inbox wake-ups, the webhook token cache's
 * invalidations): reconnected a second after it is lost, and handed back to the pool exactly once (a connection lost
 * after stop() released it must not be released again: node-postgres throws, and SIGTERM exited 1).
 */
import type pg from "pg";

export type ListenHandlers = {
  notification(msg: pg.Notification): void;
  /** The channel is listened to (again): whatever was sent while nobody listened was missed. */
  listening?(): void;
  /** The connection was lost (`err`) or could not be made (no `err`); a new one is tried a second later. */
  lost?(err?: Error): void;
};

export type Listener = { ready: Promise<void>; stop(): Promise<void> };

const RETRY_MS = 1_000;

export function listenOn(pool: pg.Pool, channel: string, on: ListenHandlers): Listener {
  let running = true;
  let client: pg.PoolClient | null = null;
  let retry: NodeJS.Timeout | null = null;
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const released = new WeakSet<pg.PoolClient>();
  const release = (c: pg.PoolClient, destroy = false) => {
    if (released.has(c)) return;
    released.add(c);
    c.release(destroy);
  };
  const retryLater = () => {
    if (running) retry = setTimeout(() => void connect(), RETRY_MS);
  };
  const connect = async () => {
    if (!running) return;
    try {
      const c = await pool.connect();
      c.on("notification", on.notification);
      c.on("error", (err) => {
        release(c, true);
        if (client === c) client = null;
        on.lost?.(err);
        retryLater();
      });
      await c.query(`listen ${channel}`);
      client = c;
      on.listening?.();
      listening();
      if (!running) await stop();
    } catch {
      on.lost?.();
      retryLater();
    }
  };
  const stop = async () => {
    running = false;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    if (!c) return;
    await c.query(`unlisten ${channel}`).catch(() => {});
    release(c);
  };
  void connect();
  return { ready, stop };
}

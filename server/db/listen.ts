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
  let current: { client: pg.PoolClient; detach(): void } | null = null;
  let retry: NodeJS.Timeout | null = null;
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const released = new WeakSet<pg.PoolClient>();
  const release = (c: pg.PoolClient, destroy = false) => {
    if (released.has(c)) return;
    released.add(c);
    c.release(destroy);
  };
  // One pending reconnect at a time: a connection lost while LISTEN is in flight both rejects the query and emits
  // "error", and two timers would open two connections, one of them never released.
  const retryLater = () => {
    if (running && !retry) retry = setTimeout(() => void connect(), RETRY_MS);
  };
  const connect = async () => {
    retry = null;
    if (!running) return;
    let c: pg.PoolClient | null = null;
    let failed = false;
    const fail = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (c) {
        detach();
        release(c, true);
        if (current?.client === c) current = null;
      }
      on.lost?.(err);
      retryLater();
    };
    const onError = (err: Error) => fail(err);
    const detach = () => {
      c?.removeListener("notification", on.notification);
      c?.removeListener("error", onError);
    };
    try {
      c = await pool.connect();
      c.on("notification", on.notification);
      c.on("error", onError);
      await c.query(`listen ${channel}`);
      if (failed) return;
      current = { client: c, detach };
      on.listening?.();
      listening();
      if (!running) await stop();
    } catch (err) {
      // No connection could be made (the database is down): retried quietly; a lost one is reported.
      fail(c && err instanceof Error ? err : undefined);
    }
  };
  const stop = async () => {
    running = false;
    if (retry) clearTimeout(retry);
    retry = null;
    const held = current;
    current = null;
    if (!held) return;
    await held.client.query(`unlisten ${channel}`).catch(() => {});
    held.detach();
    release(held.client);
  };
  void connect();
  return { ready, stop };
}

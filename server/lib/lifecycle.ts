/**
 * Background workers the process runs beside HTTP (the job queue, a projector, a scheduler loop) and how they are
 * stopped on SIGTERM. index.ts creates one Lifecycle; anything that starts a background loop registers it here, and
 * the graceful shutdown stops them all in parallel with draining HTTP. `signal` aborts when shutdown starts, so
 * long work can checkpoint and hand itself back instead of running into the deadline.
 */
export type BackgroundWorker = {
  name: string;
  /** Stop taking work, finish or hand back what is running; resolve when done. */
  stop: () => Promise<void>;
  /** What would be cut if the process ended now (named in the shutdown's last log line). */
  inProgress?: () => string[];
};

export class Lifecycle {
  private readonly workers: BackgroundWorker[] = [];
  private readonly stopped = new Set<string>();
  private readonly controller = new AbortController();

  /** Aborted when shutdown begins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  register(worker: BackgroundWorker): void {
    this.workers.push(worker);
  }

  /** Stops every registered worker (in parallel); a failure is reported, not thrown. */
  async stopWorkers(onError: (name: string, err: unknown) => void): Promise<void> {
    if (!this.controller.signal.aborted) this.controller.abort();
    await Promise.all(
      this.workers.map(async (w) => {
        try {
          await w.stop();
        } catch (err) {
          onError(w.name, err);
        } finally {
          this.stopped.add(w.name);
        }
      }),
    );
  }

  /** Workers not yet stopped, with what they are doing. */
  unfinished(): string[] {
    return this.workers.filter((w) => !this.stopped.has(w.name)).map((w) => (w.inProgress?.().length ? `${w.name} (${w.inProgress().join(", ")})` : w.name));
  }
}

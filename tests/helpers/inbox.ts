/** Runs the projector until the inbox has nothing due: what a running instance does within moments of a 200. */
import { drainInbox } from "../../server/services/ingestion/projector";
import type { TestApp } from "./app";

export function project(t: Pick<TestApp, "deps">): Promise<number> {
  return drainInbox(t.deps);
}

import type { AppDeps } from "../lib/context";
import type { ApiRouter } from "../lib/http";

export function analyticsRoutes(_api: ApiRouter, _deps: AppDeps) {}

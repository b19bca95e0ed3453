import { once } from "node:events";
import { callLogCount, callLogDetail, callLogFilters, callLogPage, idParam, listCallLogsQuery } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { exportCallLogsCsv } from "../services/calls/export-call-logs";
import { countCallLogs } from "../services/calls/count-call-logs";
import { getCallLog } from "../services/calls/get-call-log";
import { listCallLogs } from "../services/calls/list-call-logs";

export function callLogRoutes(api: ApiRouter) {
  api.define(
    {
      method: "get",
      path: "/call-logs",
      summary: "Calls of the organization, newest first, filtered, keyset-paginated",
      access: "user",
      permission: "calls:read",
      query: listCallLogsQuery,
      response: callLogPage,
    },
    ({ ctx, query }) => listCallLogs(ctx, query),
  );
  // Before /call-logs/:id, which would otherwise take "count" or "export.csv" for an id.
  api.define(
    {
      method: "get",
      path: "/call-logs/count",
      summary: "The exact number of calls the filters match",
      access: "user",
      permission: "calls:read",
      query: callLogFilters,
      response: callLogCount,
    },
    ({ ctx, query }) => countCallLogs(ctx, query),
  );
  api.define(
    {
      method: "get",
      path: "/call-logs/export.csv",
      summary: "The filtered calls as a streamed CSV file",
      access: "user",
      permission: "calls:read",
      query: callLogFilters,
    },
    async ({ ctx, query, res }) => {
      const chunks = await exportCallLogsCsv(ctx, query);
      const day = ctx.now().toISOString().slice(0, 10);
      res.status(200);
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="calls-${day}.csv"`);
      res.setHeader("Cache-Control", "no-store");
      let closed = false;
      res.on("close", () => {
        closed = true;
      });
      try {
        for await (const chunk of chunks) {
          if (closed) return;
          if (!res.write(chunk)) await Promise.race([once(res, "drain"), once(res, "close")]);
        }
        res.end();
      } catch (err) {
        // Headers are gone: a half-written file must not look complete.
        ctx.log.error({ err }, "call export failed");
        res.destroy(err as Error);
      }
      return undefined;
    },
  );
  api.define(
    {
      method: "get",
      path: "/call-logs/:id",
      summary: "One call with transcript and analysis",
      access: "user",
      permission: "calls:read",
      params: idParam,
      response: callLogDetail,
    },
    ({ ctx, params }) => getCallLog(ctx, params.id),
  );
}

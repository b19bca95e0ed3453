/** Data governance and API access (DESIGN.md §11): retention status, call deletion, NDJSON export, API tokens. */
import { once } from "node:events";
import type { Response } from "express";
import { callLogFilters, idParam } from "@shared/schemas";
import { apiTokenCreated, apiTokenList, createApiTokenInput, retentionStatus } from "@shared/governance-schemas";
import type { Ctx } from "../services/context";
import type { ApiRouter } from "./api-router";
import { deleteCallLog } from "../services/calls/delete-call-log";
import { exportCallsNdjson } from "../services/calls/export-calls-ndjson";
import { getRetentionStatus } from "../services/retention/run-retention";
import { createApiToken, listApiTokens, revokeApiToken } from "../services/tokens/api-tokens";

/** Writes a stream of text chunks with back-pressure; a failure mid-way cuts the connection (never a short 200). */
async function streamChunks(ctx: Ctx, res: Response, chunks: AsyncIterable<string>): Promise<void> {
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
    ctx.log.error({ err }, "export failed");
    res.destroy(err as Error);
  }
}

export function governanceRoutes(api: ApiRouter) {
  api.define(
    {
      method: "get",
      path: "/organization/retention",
      summary: "What retention will delete next (rows past their cut-offs now) and what its last run deleted",
      access: "user",
      response: retentionStatus,
    },
    ({ ctx }) => getRetentionStatus(ctx),
  );
  api.define(
    {
      method: "delete",
      path: "/call-logs/:id",
      summary: "Delete a call with its audio and raw events (admins; audited). Usage totals keep counting it",
      access: "user",
      permission: "calls:delete",
      params: idParam,
      status: 204,
    },
    async ({ ctx, params, req }) => {
      await deleteCallLog(ctx, params.id, req.ip);
      return undefined;
    },
  );
  api.define(
    {
      method: "get",
      path: "/export/calls.ndjson",
      summary: "Every call matching the History filters, one full CallLogDetail JSON object per line, streamed",
      access: "user",
      permission: "calls:read",
      query: callLogFilters,
    },
    async ({ ctx, query, res }) => {
      const chunks = await exportCallsNdjson(ctx, query);
      const day = ctx.now().toISOString().slice(0, 10);
      res.status(200);
      res.setHeader("Content-Type", "application/x-ndjson; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="calls-${day}.ndjson"`);
      res.setHeader("Cache-Control", "no-store");
      await streamChunks(ctx, res, chunks);
      return undefined;
    },
  );
  api.define(
    {
      method: "get",
      path: "/tokens",
      summary: "The organization's API tokens (prefix and last use; never the token)",
      access: "user",
      permission: "tokens:manage",
      response: apiTokenList,
    },
    ({ ctx }) => listApiTokens(ctx),
  );
  api.define(
    {
      method: "post",
      path: "/tokens",
      summary: "Create a read-only API token; the whole token is in this answer only",
      access: "user",
      permission: "tokens:manage",
      body: createApiTokenInput,
      response: apiTokenCreated,
      status: 201,
    },
    ({ ctx, body, req }) => createApiToken(ctx, body, req.ip),
  );
  api.define(
    {
      method: "delete",
      path: "/tokens/:id",
      summary: "Revoke an API token (it answers 401 from now on)",
      access: "user",
      permission: "tokens:manage",
      params: idParam,
      status: 204,
    },
    async ({ ctx, params, req }) => {
      await revokeApiToken(ctx, params.id, req.ip);
      return undefined;
    },
  );
}


import { z } from "zod";
import { errorResponse } from "@shared/schemas";
import { tokenMayRead } from "@shared/governance-schemas";
import type { AnyRouteDef } from "./api-router";

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" });
}

/** The OpenAPI 3.1 document, generated from the declared routes and their shared Zod schemas. */
export function buildOpenApi(routes: AnyRouteDef[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api${r.path.replace(/:(\w+)/g, "{$1}")}`;
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/:(\w+)/g)) parameters.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
    if (r.query) {
      const qs = jsonSchema(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {}))
        parameters.push({ name, in: "query", required: qs.required?.includes(name) ?? false, schema });
    }
    const status = String(r.status ?? 200);
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      ...(r.permission ? { "x-permission": r.permission } : {}),
      security: r.access === "public" ? [] : tokenMayRead(r.method, r.path) ? [{ session: [] }, { bearer: [] }] : [{ session: [] }],
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } } : {}),
      responses: {
        [status]: r.response
          ? { description: "OK", content: { "application/json": { schema: jsonSchema(r.response, "output") } } }
          : { description: "OK" },
        default: { description: "Error", content: { "application/json": { schema: jsonSchema(errorResponse, "output") } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "VoiceAI Dashboard API", version: "1.0.0" },
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "vad.sid" },
        // Read-only API tokens (`vad_…`, created under Settings): GET routes that list `bearer` only (docs/api.md).
        bearer: { type: "http", scheme: "bearer", bearerFormat: "vad_…", description: "API token with viewer rights; read-only routes" },
      },
    },
    paths,
  };
}

export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>VoiceAI Dashboard API</title></head>
<body style="font-family:system-ui;max-width:60rem;margin:2rem auto;padding:0 1rem">
<h1>VoiceAI Dashboard API</h1><p>The machine-readable contract is at <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
</body></html>`;
}

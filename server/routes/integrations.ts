import { z } from "zod";
import { integration, integrationList, saveIntegrationInput, testIntegrationInput } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { AppError } from "../lib/errors";
import { deleteIntegration, getIntegration, saveIntegration, testIntegration } from "../services/integrations/integration-service";

export function integrationRoutes(api: ApiRouter) {
  api.define(
    { method: "get", path: "/integrations", summary: "The organization's integrations", access: "user", permission: "integrations:read", response: integrationList },
    async ({ ctx }) => ({ data: [await getIntegration(ctx)] }),
  );
  api.define(
    { method: "post", path: "/integrations", summary: "Save the ElevenLabs key and/or webhook secret (the key is tested at once)", access: "user", permission: "integrations:manage", body: saveIntegrationInput, response: integration },
    ({ ctx, body, req }) => saveIntegration(ctx, body, req.ip),
  );
  api.define(
    { method: "post", path: "/integrations/test", summary: "Test the stored key", access: "user", permission: "integrations:manage", body: testIntegrationInput, response: integration },
    ({ ctx }) => testIntegration(ctx),
  );
  api.define(
    { method: "delete", path: "/integrations/:provider", summary: "Erase the key and secret", access: "user", permission: "integrations:manage", params: z.object({ provider: z.string().max(40) }), status: 204 },
    async ({ ctx, params, req }) => {
      if (params.provider !== "elevenlabs") throw new AppError("not_found", 404, "No such integration");
      await deleteIntegration(ctx, req.ip);
    },
  );
}

import { agent, agentList, availableAgentsPage, availableAgentsQuery, createAgentInput, idParam, syncQueued, updateAgentInput, validateAgentInput, validatedAgent } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { listAvailableAgents } from "../services/agents/available-agents";
import { createAgent, deleteAgent, getAgent, listAgents, renameAgent, requestAgentSync, validateAgent } from "../services/agents/agent-service";

const agentParams = idParam;

export function agentRoutes(api: ApiRouter) {
  api.define(
    { method: "post", path: "/agents/validate", summary: "Look an agent id up in ElevenLabs", access: "user", permission: "agents:manage", body: validateAgentInput, response: validatedAgent },
    ({ ctx, body }) => validateAgent(ctx, body.elevenLabsAgentId),
  );
  api.define(
    { method: "post", path: "/agents", summary: "Register an agent (validated, then backfilled)", access: "user", permission: "agents:manage", body: createAgentInput, response: agent, status: 201 },
    ({ ctx, body, req }) => createAgent(ctx, body, req.ip),
  );
  api.define(
    { method: "get", path: "/agents", summary: "Registered agents with call counts and sync state", access: "user", permission: "agents:read", response: agentList },
    async ({ ctx }) => ({ data: await listAgents(ctx) }),
  );
  api.define(
    { method: "get", path: "/agents/available", summary: "Agents the organization's ElevenLabs key can see, marked when registered", access: "user", permission: "agents:manage", query: availableAgentsQuery, response: availableAgentsPage },
    ({ ctx, query }) => listAvailableAgents(ctx, query),
  );
  api.define(
    { method: "get", path: "/agents/:id", summary: "One agent", access: "user", permission: "agents:read", params: agentParams, response: agent },
    ({ ctx, params }) => getAgent(ctx, params.id),
  );
  api.define(
    { method: "patch", path: "/agents/:id", summary: "Rename an agent", access: "user", permission: "agents:manage", params: agentParams, body: updateAgentInput, response: agent },
    ({ ctx, params, body, req }) => renameAgent(ctx, params.id, body.name, req.ip),
  );
  api.define(
    { method: "delete", path: "/agents/:id", summary: "Remove an agent (its calls stay)", access: "user", permission: "agents:manage", params: agentParams, status: 204 },
    async ({ ctx, params, req }) => {
      await deleteAgent(ctx, params.id, req.ip);
    },
  );
  api.define(
    { method: "post", path: "/agents/:id/sync", summary: "Queue a sync of this agent's conversations", access: "user", permission: "agents:sync", params: agentParams, response: syncQueued, status: 202 },
    ({ ctx, params }) => requestAgentSync(ctx, params.id),
  );
}

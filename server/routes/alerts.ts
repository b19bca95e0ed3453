import {
  alertChannelList,
  alertEventPage,
  alertEventsQuery,
  alertRule,
  alertRuleList,
  channelCreated,
  channelTestResult,
  createChannelInput,
  createRuleInput,
  digestPreview,
  previewRuleInput,
  rulePreview,
  updateRuleInput,
} from "@shared/alert-schemas";
import { idParam } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { createChannel, deleteChannel, listChannels, testChannel } from "../services/alerts/channels";
import { createRule, deleteRule, listRules, previewRule, updateRule } from "../services/alerts/rules";
import { listAlertEvents } from "../services/alerts/events";
import { digestPreviewFor } from "../services/alerts/digest";

export function alertRoutes(api: ApiRouter) {
  api.define(
    { method: "get", path: "/alerts/channels", summary: "Alert channels (targets shown as hints only)", access: "user", permission: "alerts:manage", response: alertChannelList },
    ({ ctx }) => listChannels(ctx),
  );
  api.define(
    {
      method: "post",
      path: "/alerts/channels",
      summary: "Add a Slack, webhook or email channel; a webhook channel's signing secret is answered once",
      access: "user",
      permission: "alerts:manage",
      body: createChannelInput,
      response: channelCreated,
      status: 201,
    },
    ({ ctx, body, req }) => createChannel(ctx, body, req.ip),
  );
  api.define(
    { method: "delete", path: "/alerts/channels/:id", summary: "Remove a channel (rules stop naming it)", access: "user", permission: "alerts:manage", params: idParam, status: 204 },
    async ({ ctx, params, req }) => {
      await deleteChannel(ctx, params.id, req.ip);
    },
  );
  api.define(
    {
      method: "post",
      path: "/alerts/channels/:id/test",
      summary: "Send a test notification now (up to 3 attempts); answers its outcome",
      access: "user",
      permission: "alerts:manage",
      params: idParam,
      response: channelTestResult,
    },
    ({ ctx, params, req }) => testChannel(ctx, params.id, req.ip),
  );
  api.define(
    { method: "get", path: "/alerts/rules", summary: "Alert rules with their state", access: "user", permission: "alerts:read", response: alertRuleList },
    ({ ctx }) => listRules(ctx),
  );
  api.define(
    { method: "post", path: "/alerts/rules", summary: "Create an alert rule", access: "user", permission: "alerts:manage", body: createRuleInput, response: alertRule, status: 201 },
    ({ ctx, body, req }) => createRule(ctx, body, req.ip),
  );
  api.define(
    {
      method: "post",
      path: "/alerts/rules/preview",
      summary: "The metric's current value and calls for a rule being edited",
      access: "user",
      permission: "alerts:manage",
      body: previewRuleInput,
      response: rulePreview,
    },
    ({ ctx, body }) => previewRule(ctx, body),
  );
  api.define(
    { method: "patch", path: "/alerts/rules/:id", summary: "Change, enable or disable a rule", access: "user", permission: "alerts:manage", params: idParam, body: updateRuleInput, response: alertRule },
    ({ ctx, params, body, req }) => updateRule(ctx, params.id, body, req.ip),
  );
  api.define(
    { method: "delete", path: "/alerts/rules/:id", summary: "Delete a rule and its history", access: "user", permission: "alerts:manage", params: idParam, status: 204 },
    async ({ ctx, params, req }) => {
      await deleteRule(ctx, params.id, req.ip);
    },
  );
  api.define(
    {
      method: "get",
      path: "/alerts/events",
      summary: "Firing history, newest first, with each delivery's outcome",
      access: "user",
      permission: "alerts:read",
      query: alertEventsQuery,
      response: alertEventPage,
    },
    ({ ctx, query }) => listAlertEvents(ctx, query),
  );
  api.define(
    { method: "get", path: "/digest/preview", summary: "This week's digest as it would be mailed", access: "user", permission: "alerts:read", response: digestPreview },
    ({ ctx }) => digestPreviewFor(ctx),
  );
}

import { idParam } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { sendCallAudio } from "../services/audio/audio-service";

export function callAudioRoutes(api: ApiRouter) {
  api.define(
    { method: "get", path: "/call-logs/:id/audio", summary: "The call's recording (audio/mpeg, Range supported)", access: "user", permission: "calls:read", params: idParam },
    async ({ ctx, params, req, res }) => {
      await sendCallAudio(ctx, res, params.id, req.get("range"));
    },
  );
}

import type { Response } from "express";
import { idParam } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { callRecording, type CallAudio } from "../services/audio/audio-service";

/** Writes the recording with its range headers, waiting for the client to drain and stopping when it is gone. */
async function sendAudio(res: Response, audio: CallAudio): Promise<void> {
  if (audio.kind === "unsatisfiable") {
    res.status(416).setHeader("Content-Range", `bytes */${audio.size}`);
    res.end();
    return;
  }
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("Content-Type", audio.contentType);
  res.setHeader("Cache-Control", "private, max-age=3600");
  const { range, size } = audio;
  if (range) {
    res.status(206);
    res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader("Content-Length", String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader("Content-Length", String(size));
  }
  for await (const chunk of audio.body) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    if (res.destroyed) break;
  }
  res.end();
}

export function callAudioRoutes(api: ApiRouter) {
  api.define(
    { method: "get", path: "/call-logs/:id/audio", summary: "The call's recording (audio/mpeg, Range supported)", access: "user", permission: "calls:read", params: idParam },
    async ({ ctx, params, req, res }) => {
      await sendAudio(res, await callRecording(ctx, params.id, req.get("range")));
    },
  );
}

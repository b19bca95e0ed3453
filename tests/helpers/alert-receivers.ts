/** Local receivers for alert channels: a Slack-like incoming webhook and a Standard Webhooks endpoint that verifies signatures. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type Receiver = { url: string; received: Array<Record<string, unknown>>; rejected: number; hits: number; stop: () => Promise<void> };

async function listen(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handler(req, Buffer.concat(chunks).toString("utf8"), res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Answers like Slack's incoming webhooks: 200 "ok" for a JSON body with `text`, 400 otherwise. */
export async function startSlackReceiver(): Promise<Receiver> {
  const r = { received: [] as Array<Record<string, unknown>>, rejected: 0, hits: 0 };
  const s = await listen((_req, body, res) => {
    r.hits++;
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      if (typeof json.text !== "string" || !Array.isArray(json.blocks)) throw new Error("no text");
      r.received.push(json);
      res.end("ok");
    } catch {
      r.rejected++;
      res.statusCode = 400;
      res.end("invalid_payload");
    }
  });
  return Object.assign(r, s);
}

/** Verifies every delivery with the reference Standard Webhooks library; `secret` is set once the channel exists. */
export async function startStandardWebhooksReceiver(): Promise<Receiver & { secret: string; ids: string[] }> {
  const r = { received: [] as Array<Record<string, unknown>>, rejected: 0, hits: 0, secret: "", ids: [] as string[] };
  const s = await listen((req, body, res) => {
    r.hits++;
    try {
      const payload = new Webhook(r.secret).verify(body, req.headers as Record<string, string>) as Record<string, unknown>;
      r.received.push(payload);
      r.ids.push(String(req.headers["webhook-id"]));
      res.statusCode = 204;
      res.end();
    } catch {
      r.rejected++;
      res.statusCode = 401;
      res.end();
    }
  });
  return Object.assign(r, s);
}

/** Answers every request with a redirect to `location`. */
export async function startRedirector(location: string): Promise<Receiver> {
  const r = { received: [] as Array<Record<string, unknown>>, rejected: 0, hits: 0 };
  const s = await listen((_req, _body, res) => {
    r.hits++;
    res.writeHead(302, { location });
    res.end();
  });
  return Object.assign(r, s);
}

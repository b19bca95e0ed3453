/** Factories that write agents and calls straight into the database, for tests of what is read back. */
import { randomBytes } from "node:crypto";
import request from "supertest";
import type { Express } from "express";
import type { Db } from "../../server/db/client";
import { agents, callLogs, users, type TranscriptTurnRow } from "../../server/db/schema";
import { hashPassword } from "../../server/lib/password";

export type AgentRow = typeof agents.$inferSelect;
export type CallRow = typeof callLogs.$inferSelect;

export type CallFactoryInput = {
  agent?: Pick<AgentRow, "id" | "elevenlabsAgentId"> | null;
  elevenlabsAgentId?: string;
  conversationId?: string;
  status?: string;
  startedAt?: Date | string | null;
  durationSeconds?: number | null;
  callSuccessful?: "success" | "failure" | "unknown" | null;
  terminationReason?: string | null;
  summaryTitle?: string | null;
  summary?: string | null;
  transcript?:
    TranscriptTurnRow[] | Array<{ role: string; message: string | null; timeInCallSecs?: number | null }> | null;
  analysis?: unknown;
  metadata?: unknown;
  costCredits?: number | null;
  hasAudio?: boolean;
  source?: "webhook" | "sync";
};

function id(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex")}`;
}

export async function insertAgent(
  db: Db,
  organizationId: string,
  input: { elevenlabsAgentId?: string; name?: string } = {},
): Promise<AgentRow> {
  const [row] = await db
    .insert(agents)
    .values({
      organizationId,
      elevenlabsAgentId: input.elevenlabsAgentId ?? id("agent"),
      name: input.name ?? "Test agent",
    })
    .returning();
  return row;
}

function toTranscript(turns: CallFactoryInput["transcript"]): TranscriptTurnRow[] | null {
  if (!turns) return null;
  return turns.map((t) => {
    const turn = t as {
      role: string;
      message: string | null;
      timeInCallSecs?: number | null;
      time_in_call_secs?: number | null;
    };
    return {
      role: turn.role,
      message: turn.message,
      time_in_call_secs: turn.time_in_call_secs ?? turn.timeInCallSecs ?? null,
    };
  });
}

/** Inserts calls for one organization in one statement; omitted fields get plausible defaults. */
export async function insertCalls(db: Db, organizationId: string, calls: CallFactoryInput[]): Promise<CallRow[]> {
  if (calls.length === 0) return [];
  const values = calls.map((c) => ({
    organizationId,
    agentId: c.agent ? c.agent.id : null,
    elevenlabsAgentId: c.elevenlabsAgentId ?? c.agent?.elevenlabsAgentId ?? "agent_unregistered",
    conversationId: c.conversationId ?? id("conv"),
    status: c.status ?? "done",
    startedAt: c.startedAt === undefined ? new Date() : c.startedAt === null ? null : new Date(c.startedAt),
    durationSeconds: c.durationSeconds === undefined ? 60 : c.durationSeconds,
    callSuccessful: c.callSuccessful === undefined ? "success" : c.callSuccessful,
    terminationReason: c.terminationReason ?? null,
    summaryTitle: c.summaryTitle ?? null,
    summary: c.summary ?? null,
    transcript: toTranscript(c.transcript),
    analysis: c.analysis ?? null,
    metadata: c.metadata ?? null,
    costCredits: c.costCredits === undefined || c.costCredits === null ? null : c.costCredits.toFixed(2),
    hasAudio: c.hasAudio ?? false,
    source: c.source ?? "sync",
  }));
  const rows: CallRow[] = [];
  // Stay well under PostgreSQL's 65535 bind parameters per statement.
  for (let i = 0; i < values.length; i += 1000)
    rows.push(
      ...(await db
        .insert(callLogs)
        .values(values.slice(i, i + 1000))
        .returning()),
    );
  return rows;
}

export async function insertCall(db: Db, organizationId: string, call: CallFactoryInput = {}): Promise<CallRow> {
  const [row] = await insertCalls(db, organizationId, [call]);
  return row;
}

/** A signed-in member of an existing organization with the given role, created directly (no invitation flow). */
export async function signInWithRole(
  app: Express,
  db: Db,
  organizationId: string,
  role: "owner" | "admin" | "member" | "viewer",
) {
  const email = `${role}-${randomBytes(4).toString("hex")}@example.com`;
  const password = "correct horse battery";
  await db
    .insert(users)
    .values({ organizationId, email, name: role, role, passwordHash: await hashPassword(password) });
  const agent = request.agent(app);
  await agent.post("/api/auth/login/password").send({ email, password }).expect(200);
  return agent;
}

/**
 * API tokens (DESIGN.md §11): `vad_` + 32 random bytes, shown once; only their SHA-256 is stored (a token has 256
 * bits of entropy, so a fast hash is enough: nothing to brute-force), with a short prefix to recognise it by.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { API_TOKEN_PREFIX, type ApiToken, type ApiTokenCreated } from "@shared/governance-schemas";
import { apiTokens } from "../../db/schema";
import type { Ctx } from "../context";
import { notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";

/** Shown in lists: "vad_" and the first 8 characters of the secret part. */
const PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toApiToken(row: typeof apiTokens.$inferSelect): ApiToken {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt.toISOString(), expiresAt: iso(row.expiresAt), lastUsedAt: iso(row.lastUsedAt) };
}

/** The organization's live tokens (revoked ones are gone from the list), newest first. */
export async function listApiTokens(ctx: Ctx): Promise<{ data: ApiToken[] }> {
  const rows = await ctx.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.organizationId, ctx.organizationId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return { data: rows.map(toApiToken) };
}

export async function createApiToken(ctx: Ctx, input: { name: string; expiresInDays?: number }, ip?: string): Promise<ApiTokenCreated> {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const expiresAt = input.expiresInDays ? new Date(ctx.now().getTime() + input.expiresInDays * 86_400_000) : null;
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        organizationId: ctx.organizationId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, PREFIX_LENGTH),
        createdBy: ctx.userId || null,
        expiresAt,
      })
      .returning();
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "token.created", target: `${created.prefix}… ${input.name}`, ip });
    return created;
  });
  return { id: row.id, name: row.name, token, prefix: row.prefix, createdAt: row.createdAt.toISOString(), expiresAt: iso(row.expiresAt) };
}

export async function revokeApiToken(ctx: Ctx, id: string, ip?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.organizationId, ctx.organizationId), eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ prefix: apiTokens.prefix, name: apiTokens.name });
    if (!row) throw notFound("Token");
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "token.revoked", target: `${row.prefix}… ${row.name}`, ip });
  });
}

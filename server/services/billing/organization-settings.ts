/** The organization's own settings: its name and the price per minute behind every estimated cost. */
import { eq } from "drizzle-orm";
import type { OrganizationSettings } from "@shared/schemas";
import { organizations } from "../../db/schema";
import type { Ctx } from "../context";
import { notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";

export async function getOrganizationSettings(ctx: Ctx): Promise<OrganizationSettings> {
  const [row] = await ctx.db
    .select({ id: organizations.id, name: organizations.name, price: organizations.pricePerMinuteUsd })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  if (!row) throw notFound("Organization");
  return { id: row.id, name: row.name, pricePerMinuteUsd: Number(row.price) };
}

export async function updateOrganizationSettings(
  ctx: Ctx,
  input: { name?: string; pricePerMinuteUsd?: number },
  ip?: string,
): Promise<OrganizationSettings> {
  const changes: Partial<typeof organizations.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.pricePerMinuteUsd !== undefined) changes.pricePerMinuteUsd = input.pricePerMinuteUsd.toFixed(4);
  if (Object.keys(changes).length > 0) {
    await ctx.db.update(organizations).set(changes).where(eq(organizations.id, ctx.organizationId));
    const target = Object.keys(input)
      .filter((k) => input[k as keyof typeof input] !== undefined)
      .join(",");
    await recordAudit(ctx.db, {
      organizationId: ctx.organizationId,
      actorUserId: ctx.userId,
      action: "organization.updated",
      target,
      ip,
    });
  }
  return getOrganizationSettings(ctx);
}

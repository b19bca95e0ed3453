import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { agents } from "../db/schema";

export async function agentsOfOrganization(db: Db, organizationId: string): Promise<string[]> {
  const rows = await db.select({ id: agents.id }).from(agents).where(eq(agents.organizationId, organizationId));
  return rows.map((r) => r.id);
}

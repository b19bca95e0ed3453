/**
 * The inbox insert of a verified delivery: one statement that stores the row only if the secret that verified it
 * is still the organization's and (on an organization URL) the token still current or in its grace period, so no
 * instance accepts a rotated or deleted secret once the request that changed it has returned, whatever its cache
 * holds. Optionally it also refuses a conversation that was deleted (its tombstone).
 * The text is fixed per variant and sent as a named prepared statement: the acknowledgement path's one round trip
 * costs PostgreSQL no parse or plan after a connection's first delivery (docs/decisions/007, "Throughput").
 */
import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { inboxRow, type InboxInsert } from "./inbox";

/** What verified a delivery: re-checked by the insert. */
export type Accepted = { organizationId: string; encryptedSecret: string; token: string | null; now: Date };

const INSERT = `insert into webhook_events (id, organization_id, type, source, conversation_id, event_at, signature_ok, payload, state, error, processed_at)
select $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::timestamptz, true, $7::jsonb, $8::text, $9::text, $10::timestamptz
where exists (select 1 from integrations i where i.organization_id = $2::uuid and i.provider = 'elevenlabs' and i.encrypted_webhook_secret = $11::text)`;
const TOKEN = ` and exists (select 1 from organizations o where o.id = $2::uuid and (o.webhook_token = $12::text or (o.previous_webhook_token = $12::text and o.previous_webhook_token_expires_at > $13::timestamptz)))`;
const NOT_DELETED = ` and not exists (select 1 from call_tombstones t where t.organization_id = $2::uuid and t.conversation_id = $5::text)`;

const variants = new Map<string, string>();
function statement(token: boolean, unlessDeleted: boolean): { name: string; text: string } {
  const name = `inbox_insert_${token ? "t" : "s"}${unlessDeleted ? "d" : ""}`;
  let text = variants.get(name);
  if (!text) variants.set(name, (text = INSERT + (token ? TOKEN : "") + (unlessDeleted ? NOT_DELETED : "")));
  return { name, text };
}

/** The same statement through a Drizzle transaction (audio: the chunks are in it); $n become its parameters. */
function asSql(text: string, values: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  return sql.join(parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1]}`)));
}

/** Inserts the inbox row if what verified it still holds; false when it does not (or the call was deleted). */
export async function insertAccepted(db: Db | Tx, event: InboxInsert, accepted: Accepted, options: { unlessDeleted?: boolean } = {}): Promise<boolean> {
  const row = inboxRow(event);
  const unlessDeleted = Boolean(options.unlessDeleted && event.conversationId);
  const { name, text } = statement(accepted.token !== null, unlessDeleted);
  const values: unknown[] = [
    row.id ?? randomUUID(),
    row.organizationId,
    row.type ?? null,
    row.source,
    row.conversationId ?? null,
    row.eventAt ?? null,
    row.payload === null || row.payload === undefined ? null : JSON.stringify(row.payload),
    row.state,
    row.error ?? null,
    row.processedAt ?? null,
    accepted.encryptedSecret,
  ];
  if (accepted.token !== null) values.push(accepted.token, accepted.now);
  const result = "$client" in db ? await db.$client.query({ name, text, values }) : await db.execute(asSql(text, values));
  return (result.rowCount ?? 0) > 0;
}

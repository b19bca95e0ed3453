-- The keyset index also carries what analytics sums, so the partial hours analytics reads from call_logs (range
-- edges, and the hours a local midnight cuts in zones off whole hours) are index-only scans (docs/benchmarks.md).
-- Drizzle's index builder has no INCLUDE: server/db/schema/calls.ts declares the same key without it.
DROP INDEX IF EXISTS "call_logs_org_started_idx";--> statement-breakpoint
CREATE INDEX "call_logs_org_started_idx" ON "call_logs" USING btree ("organization_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) INCLUDE ("elevenlabs_agent_id","duration_seconds","call_successful","cost_credits");

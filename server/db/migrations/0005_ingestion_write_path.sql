-- Rollup buckets may be split over shard rows, so concurrent ingestion does not queue on one row (decision 006).
ALTER TABLE "call_hourly_rollups" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "call_hourly_rollups" DROP CONSTRAINT "call_hourly_rollups_organization_id_hour_elevenlabs_agent_id_pk";--> statement-breakpoint
ALTER TABLE "call_hourly_rollups" ADD CONSTRAINT "call_hourly_rollups_organization_id_hour_elevenlabs_agent_id_shard_pk" PRIMARY KEY("organization_id","hour","elevenlabs_agent_id","shard");--> statement-breakpoint
-- The delivery is kept in webhook_events.payload (DESIGN.md); a second copy on every call row only slowed writes.
ALTER TABLE "call_logs" DROP COLUMN "raw";

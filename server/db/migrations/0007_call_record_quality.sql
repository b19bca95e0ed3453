CREATE TABLE "call_quality_rollups" (
	"organization_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"elevenlabs_agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"bucket" smallint NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"total" numeric(18, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "call_quality_rollups_organization_id_hour_elevenlabs_agent_id_kind_key_bucket_shard_pk" PRIMARY KEY("organization_id","hour","elevenlabs_agent_id","kind","key","bucket","shard")
);
--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "direction" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "agent_number" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "external_number" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "rating" smallint;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "version_id" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "branch_id" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "call_credits" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "llm_credits" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "has_tool_error" boolean;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "criteria_passed" smallint;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "criteria_failed" smallint;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "criteria_total" smallint;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "details" jsonb;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "quality_facts" jsonb;--> statement-breakpoint
ALTER TABLE "call_quality_rollups" ADD CONSTRAINT "call_quality_rollups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_logs_org_external_number_idx" ON "call_logs" USING btree ("organization_id","external_number","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "call_logs_org_tool_error_idx" ON "call_logs" USING btree ("organization_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE has_tool_error;--> statement-breakpoint
-- Row-level security for the quality rollups, as for call_hourly_rollups (migration 0002, decision 003).
GRANT SELECT, INSERT, UPDATE, DELETE ON "call_quality_rollups" TO vad_app;--> statement-breakpoint
ALTER TABLE "call_quality_rollups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_quality_rollups" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "call_quality_rollups_tenant" ON "call_quality_rollups" AS PERMISSIVE FOR ALL TO vad_app
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_quality_rollups_system" ON "call_quality_rollups" AS PERMISSIVE FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

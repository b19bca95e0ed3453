CREATE TABLE "call_quarter_rollups" (
	"organization_id" uuid NOT NULL,
	"elevenlabs_agent_id" text NOT NULL,
	"quarter" timestamp with time zone NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"duration_seconds" bigint DEFAULT 0 NOT NULL,
	"success_calls" integer DEFAULT 0 NOT NULL,
	"failure_calls" integer DEFAULT 0 NOT NULL,
	"duration_calls" integer DEFAULT 0 NOT NULL,
	"cost_credits" numeric(18, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "call_quarter_rollups_organization_id_quarter_elevenlabs_agent_id_shard_pk" PRIMARY KEY("organization_id","quarter","elevenlabs_agent_id","shard")
);
--> statement-breakpoint
ALTER TABLE "call_quarter_rollups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_quarter_rollups" ADD CONSTRAINT "call_quarter_rollups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_quarter_rollups_covering_idx" ON "call_quarter_rollups" USING btree ("organization_id","quarter","elevenlabs_agent_id","calls","duration_seconds","success_calls","failure_calls","duration_calls","cost_credits");--> statement-breakpoint
CREATE POLICY "call_quarter_rollups_tenant" ON "call_quarter_rollups" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_quarter_rollups"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_quarter_rollups"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
-- Existing calls (and the tombstones of deleted ones) counted per quarter, as rollups:rebuild defines them.
INSERT INTO "call_quarter_rollups" ("organization_id", "elevenlabs_agent_id", "quarter", "calls", "duration_seconds", "success_calls", "failure_calls", "duration_calls", "cost_credits")
SELECT organization_id, elevenlabs_agent_id, date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00'),
       count(*), coalesce(sum(duration_seconds), 0),
       count(*) FILTER (WHERE call_successful = 'success'), count(*) FILTER (WHERE call_successful = 'failure'),
       count(duration_seconds), coalesce(sum(cost_credits), 0)
FROM (
  SELECT organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits FROM call_logs
  UNION ALL
  SELECT organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits FROM call_tombstones
) c
WHERE started_at IS NOT NULL
GROUP BY 1, 2, 3;

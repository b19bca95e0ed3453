CREATE TABLE "call_quality_days" (
	"organization_id" uuid NOT NULL,
	"period" text NOT NULL,
	"day" date NOT NULL,
	"elevenlabs_agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"bucket" smallint NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"total" numeric(18, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "call_quality_days_organization_id_period_day_elevenlabs_agent_id_kind_key_bucket_shard_pk" PRIMARY KEY("organization_id","period","day","elevenlabs_agent_id","kind","key","bucket","shard")
);
--> statement-breakpoint
ALTER TABLE "call_quality_days" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "quality_days_zone" text DEFAULT 'UTC';--> statement-breakpoint
ALTER TABLE "call_quality_days" ADD CONSTRAINT "call_quality_days_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "call_quality_days_tenant" ON "call_quality_days" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_quality_days"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_quality_days"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
-- Backfill (issue 17, docs/decisions/010): every organization's day rows in its time zone from the facts stored on its
-- calls, then the month rows and the organization-wide series summed from them, as rebuildDayRows does.
INSERT INTO "call_quality_days" ("organization_id", "period", "day", "elevenlabs_agent_id", "kind", "key", "bucket", "n", "total")
SELECT o.id, 'day', (c.started_at AT TIME ZONE o.time_zone)::date, c.elevenlabs_agent_id, f.k, f.x, f.b, sum(f.n), coalesce(sum(f.t), 0)
FROM "organizations" o
JOIN "call_logs" c ON c.organization_id = o.id
CROSS JOIN LATERAL jsonb_to_recordset(c.quality_facts) AS f(k text, x text, b smallint, n bigint, t numeric)
WHERE c.started_at IS NOT NULL AND c.quality_facts IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7;--> statement-breakpoint
INSERT INTO "call_quality_days" ("organization_id", "period", "day", "elevenlabs_agent_id", "kind", "key", "bucket", "n", "total")
SELECT organization_id, 'month', date_trunc('month', day)::date, elevenlabs_agent_id, kind, key, bucket, sum(n), sum(total)
FROM "call_quality_days" WHERE period = 'day'
GROUP BY 1, 2, 3, 4, 5, 6, 7;--> statement-breakpoint
INSERT INTO "call_quality_days" ("organization_id", "period", "day", "elevenlabs_agent_id", "kind", "key", "bucket", "n", "total")
SELECT organization_id, 'series', day, '',
  CASE kind WHEN 'llm' THEN 's:llm' WHEN 'tts' THEN 's:tts' ELSE 's:crit' END,
  CASE WHEN kind = 'llm' THEN '' ELSE key END, bucket, sum(n), 0
FROM "call_quality_days" WHERE period = 'day' AND kind IN ('llm', 'tts', 'crit')
GROUP BY 1, 2, 3, 4, 5, 6, 7;--> statement-breakpoint
UPDATE "organizations" SET "quality_days_zone" = "time_zone";

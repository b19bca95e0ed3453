CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "call_tombstones" (
	"organization_id" uuid NOT NULL,
	"conversation_id" text NOT NULL,
	"elevenlabs_agent_id" text NOT NULL,
	"started_at" timestamp with time zone,
	"duration_seconds" integer,
	"call_successful" text,
	"cost_credits" numeric(14, 2),
	"reason" text NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_tombstones_organization_id_conversation_id_pk" PRIMARY KEY("organization_id","conversation_id")
);
--> statement-breakpoint
ALTER TABLE "call_tombstones" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retention_calls_days" integer;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retention_audio_days" integer;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retention_raw_events_days" integer DEFAULT 30;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "redaction_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "redaction_kinds" text[] DEFAULT '{email,phone,card,ssn,iban}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "store_audio" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "mask_phone_numbers" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "weekly_digest" boolean;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retention_last_run_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retention_last_counts" jsonb;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_tombstones" ADD CONSTRAINT "call_tombstones_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_organization_idx" ON "api_tokens" USING btree ("organization_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "call_tombstones_org_started_idx" ON "call_tombstones" USING btree ("organization_id","started_at");--> statement-breakpoint
CREATE INDEX "webhook_events_org_conversation_idx" ON "webhook_events" USING btree ("organization_id","conversation_id");--> statement-breakpoint
CREATE POLICY "api_tokens_tenant" ON "api_tokens" AS PERMISSIVE FOR ALL TO "vad_app" USING ("api_tokens"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("api_tokens"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_tombstones_tenant" ON "call_tombstones" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_tombstones"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_tombstones"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
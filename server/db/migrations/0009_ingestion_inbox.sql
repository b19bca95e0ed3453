CREATE TABLE "call_audio_chunks" (
	"organization_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "call_audio_chunks_event_id_seq_pk" PRIMARY KEY("event_id","seq")
);
--> statement-breakpoint
CREATE TABLE "webhook_rejections" (
	"organization_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"code" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "webhook_rejections_organization_id_minute_code_pk" PRIMARY KEY("organization_id","minute","code")
);
--> statement-breakpoint
ALTER TABLE "call_audio" ALTER COLUMN "bytes" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "previous_webhook_token" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "previous_webhook_token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "call_audio" ADD COLUMN "event_id" uuid;--> statement-breakpoint
ALTER TABLE "call_logs" ADD COLUMN "field_times" jsonb;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "source" text DEFAULT 'webhook' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "state" text DEFAULT 'processed' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "call_audio_chunks" ADD CONSTRAINT "call_audio_chunks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_rejections" ADD CONSTRAINT "webhook_rejections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_events_pending_idx" ON "webhook_events" USING btree ("next_attempt_at" NULLS FIRST,"received_at") WHERE state = 'pending';--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_previousWebhookToken_unique" UNIQUE("previous_webhook_token");--> statement-breakpoint
-- Tenant tables of the pipeline get the same two walls as the others (decision 003).
GRANT SELECT, INSERT, UPDATE, DELETE ON "call_audio_chunks", "webhook_rejections" TO vad_app;
--> statement-breakpoint
DO $$
DECLARE
  t text;
  tenant text := 'organization_id = nullif(current_setting(''app.organization_id'', true), '''')::uuid';
BEGIN
  FOREACH t IN ARRAY ARRAY['call_audio_chunks', 'webhook_rejections']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I AS PERMISSIVE FOR ALL TO vad_app USING (%s) WITH CHECK (%s)', t || '_tenant', t, tenant, tenant);
    EXECUTE format('CREATE POLICY %I ON %I AS PERMISSIVE FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)', t || '_system', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- A recording's chunks go with it: whoever deletes or replaces a call_audio row (a person, retention, a newer
-- delivery) cannot leave its bytes behind.
CREATE OR REPLACE FUNCTION call_audio_drop_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.event_id IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.event_id IS DISTINCT FROM OLD.event_id) THEN
    DELETE FROM call_audio_chunks WHERE event_id = OLD.event_id AND organization_id = OLD.organization_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER call_audio_drop_chunks AFTER DELETE OR UPDATE OF event_id ON call_audio
  FOR EACH ROW EXECUTE FUNCTION call_audio_drop_chunks();

-- Tenant work now LOGS IN as vad_app (decision 003) instead of the owner switching to it per transaction.
-- Generated from the schema (pgRole, pgPolicy, enableRLS, pgView), then made to apply on databases of 0002:
-- the role and the 0002 policies may exist; the INCLUDE index of 0006 already has the declared definition.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vad_app') THEN
    CREATE ROLE "vad_app";
  END IF;
END
$$;
--> statement-breakpoint
-- The owner no longer needs a policy of its own: RLS is no longer forced, so the table owner is not subject to it.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['integrations', 'agents', 'call_logs', 'call_audio', 'call_hourly_rollups', 'webhook_events', 'invitations', 'audit_log', 'call_quality_rollups', 'account_tokens', 'call_audio_chunks', 'webhook_rejections']
  LOOP
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_system', t);
    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_tenant', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Table privileges are granted table by table at start-up (server/db/app-role.ts), the same after db:push.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM vad_app;
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "agents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "integrations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_audio" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_audio_chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_hourly_rollups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_logs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_quality_rollups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "webhook_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "webhook_rejections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "account_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE VIEW "public"."call_search" AS (select "id", "organization_id", "agent_id", "elevenlabs_agent_id", "conversation_id", "status", "started_at", "duration_seconds", "call_successful", "termination_reason", "summary_title", "summary", "transcript", "analysis", "metadata", "cost_credits", "has_audio", "direction", "agent_number", "external_number", "language", "rating", "version_id", "branch_id", "call_credits", "llm_credits", "has_tool_error", "criteria_passed", "criteria_failed", "criteria_total", "details", "quality_facts", "source", "field_times", "search", "created_at", "updated_at" from call_logs where organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "audit_log_tenant" ON "audit_log" AS PERMISSIVE FOR ALL TO "vad_app" USING ("audit_log"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("audit_log"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "invitations_tenant" ON "invitations" AS PERMISSIVE FOR ALL TO "vad_app" USING ("invitations"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("invitations"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "organizations_tenant" ON "organizations" AS PERMISSIVE FOR ALL TO "vad_app" USING ("organizations"."id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("organizations"."id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "sessions_tenant" ON "sessions" AS PERMISSIVE FOR ALL TO "vad_app" USING (("sessions"."sess" ->> 'userId') in (select "users"."id"::text from "users" where "users"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "users_tenant" ON "users" AS PERMISSIVE FOR ALL TO "vad_app" USING ("users"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("users"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "agents_tenant" ON "agents" AS PERMISSIVE FOR ALL TO "vad_app" USING ("agents"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("agents"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "integrations_tenant" ON "integrations" AS PERMISSIVE FOR ALL TO "vad_app" USING ("integrations"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("integrations"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_audio_tenant" ON "call_audio" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_audio"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_audio"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_audio_chunks_tenant" ON "call_audio_chunks" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_audio_chunks"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_audio_chunks"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_hourly_rollups_tenant" ON "call_hourly_rollups" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_hourly_rollups"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_hourly_rollups"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_logs_tenant" ON "call_logs" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_logs"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_logs"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "call_quality_rollups_tenant" ON "call_quality_rollups" AS PERMISSIVE FOR ALL TO "vad_app" USING ("call_quality_rollups"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("call_quality_rollups"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "webhook_events_tenant" ON "webhook_events" AS PERMISSIVE FOR ALL TO "vad_app" USING ("webhook_events"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("webhook_events"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "webhook_rejections_tenant" ON "webhook_rejections" AS PERMISSIVE FOR ALL TO "vad_app" USING ("webhook_rejections"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("webhook_rejections"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "account_tokens_tenant" ON "account_tokens" AS PERMISSIVE FOR ALL TO "vad_app" USING ("account_tokens"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK ("account_tokens"."organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
-- Row-level security: the second wall behind every query's organization_id filter (see docs/decisions/003-row-level-security.md).
-- vad_app is the role tenant work runs as (SET LOCAL ROLE per transaction); it is neither owner nor superuser.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vad_app') THEN
    CREATE ROLE vad_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'vad_app', 'MEMBER') THEN
    EXECUTE format('GRANT vad_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO vad_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO vad_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vad_app;
--> statement-breakpoint
DO $$
DECLARE
  t text;
  tenant text := 'organization_id = nullif(current_setting(''app.organization_id'', true), '''')::uuid';
BEGIN
  FOREACH t IN ARRAY ARRAY['integrations', 'agents', 'call_logs', 'call_audio', 'call_hourly_rollups', 'webhook_events', 'invitations', 'audit_log']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    -- Tenant work: only the organization set for this transaction; nothing when none is set.
    EXECUTE format('CREATE POLICY %I ON %I AS PERMISSIVE FOR ALL TO vad_app USING (%s) WITH CHECK (%s)', t || '_tenant', t, tenant, tenant);
    -- The owner's deliberate cross-tenant paths (sign-in, webhook routing, sync tick, platform admin).
    EXECUTE format('CREATE POLICY %I ON %I AS PERMISSIVE FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)', t || '_system', t);
  END LOOP;
END
$$;

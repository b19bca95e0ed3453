/**
 * The schema objects Drizzle cannot declare (functions, triggers), in one place, created idempotently at start-up
 * after the migrations or `npm run db:push`, so both build the same database (tests/integration/schema-push.test.ts).
 * A migration may create them first (0009_ingestion_inbox did); this file is their source from then on.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "./tenant";

/** A call's audio pieces go with the audio row that references their inbox event (issue 14). */
const CALL_AUDIO_DROP_CHUNKS = sql`
CREATE OR REPLACE FUNCTION call_audio_drop_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.event_id IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.event_id IS DISTINCT FROM OLD.event_id) THEN
    DELETE FROM call_audio_chunks WHERE event_id = OLD.event_id AND organization_id = OLD.organization_id;
  END IF;
  RETURN NULL;
END
$$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'call_audio_drop_chunks' AND tgrelid = 'call_audio'::regclass) THEN
    CREATE TRIGGER call_audio_drop_chunks AFTER DELETE OR UPDATE OF event_id ON call_audio
      FOR EACH ROW EXECUTE FUNCTION call_audio_drop_chunks();
  END IF;
END
$$;
`;

export async function ensureCustomObjects(tx: Tx): Promise<void> {
  await tx.execute(CALL_AUDIO_DROP_CHUNKS);
}

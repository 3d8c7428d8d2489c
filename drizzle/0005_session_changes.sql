-- Every change that could make a validated session wrong is announced on the channel
-- latchkey_session_change, with the user's id (lib/db/changes.ts, lib/auth/session-cache.ts).
-- A NOTIFY is delivered when its transaction commits, and not at all when it rolls back.
CREATE FUNCTION latchkey_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- users rows carry the id itself; sessions and totp_factors rows the user_id.
  field text := CASE WHEN TG_TABLE_NAME = 'users' THEN 'id' ELSE 'user_id' END;
  new_user text;
  old_user text;
BEGIN
  IF TG_OP <> 'DELETE' THEN new_user := to_jsonb(NEW)->>field; END IF;
  IF TG_OP <> 'INSERT' THEN old_user := to_jsonb(OLD)->>field; END IF;
  IF new_user IS NOT NULL THEN PERFORM pg_notify('latchkey_session_change', new_user); END IF;
  -- A row moved to another user: both users' entries are stale.
  IF old_user IS NOT NULL AND old_user IS DISTINCT FROM new_user THEN
    PERFORM pg_notify('latchkey_session_change', old_user);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A session revoked, ended early, moved between second-factor states, or deleted; not the
-- last-seen time, which changes once a minute and alters nothing a check decides.
CREATE TRIGGER sessions_changed AFTER UPDATE ON sessions FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
     OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
     OR OLD.mfa_verified IS DISTINCT FROM NEW.mfa_verified
     OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION latchkey_session_change();
--> statement-breakpoint
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions FOR EACH ROW
  EXECUTE FUNCTION latchkey_session_change();
--> statement-breakpoint
-- The account: its address, verification, password, anything a later column adds; or gone.
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users FOR EACH ROW
  EXECUTE FUNCTION latchkey_session_change();
--> statement-breakpoint
-- Two-factor turned on or off (not the replay guard written at each authenticator code).
CREATE TRIGGER totp_factors_changed AFTER UPDATE ON totp_factors FOR EACH ROW
  WHEN (OLD.enabled_at IS DISTINCT FROM NEW.enabled_at)
  EXECUTE FUNCTION latchkey_session_change();
--> statement-breakpoint
CREATE TRIGGER totp_factors_added_or_deleted AFTER INSERT OR DELETE ON totp_factors FOR EACH ROW
  EXECUTE FUNCTION latchkey_session_change();

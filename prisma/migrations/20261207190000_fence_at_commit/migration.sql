-- Fencing at COMMIT (lib/db/run-lease.ts). A transaction written on a run's behalf
-- sets `switchboard.lease` (transaction-local) to the lease it holds; at COMMIT this
-- deferred trigger, on every table such a transaction writes, takes the run's row (or,
-- for a reviewer's retry, the review item's) FOR SHARE and checks that the lease is
-- still current. A claim made meanwhile has raised the epoch: the transaction is rolled
-- back whole, so no effect lands after its writer was replaced. A transaction without
-- the setting is not checked. Once checked, the row lock is held to the end of the
-- commit, so later rows of the same transaction skip the check.
CREATE OR REPLACE FUNCTION switchboard_fence_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lease text := current_setting('switchboard.lease', true);
  parts text[];
BEGIN
  IF lease IS NULL OR lease = '' THEN RETURN NULL; END IF;
  IF current_setting('switchboard.lease_checked', true) = lease THEN RETURN NULL; END IF;
  parts := string_to_array(lease, '|');
  IF parts[1] = 'review' THEN
    PERFORM 1 FROM review_items
      WHERE id = parts[2] AND "retryOwner" = parts[3] AND "retryEpoch" = parts[4]::int AND status = 'pending' AND resolution = 'retrying'
      FOR SHARE;
  ELSE
    PERFORM 1 FROM runs
      WHERE id = parts[2] AND "leaseOwner" = parts[3] AND attempts = parts[4]::int AND status = 'running'
      FOR SHARE;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'lease_lost: % is no longer held', lease USING ERRCODE = 'SB409';
  END IF;
  PERFORM set_config('switchboard.lease_checked', lease, true);
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON side_effects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON worker_invocations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON tool_calls DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON review_items DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON reply_parts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON model_calls DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();
CREATE CONSTRAINT TRIGGER fence_at_commit AFTER INSERT OR UPDATE ON run_events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION switchboard_fence_at_commit();

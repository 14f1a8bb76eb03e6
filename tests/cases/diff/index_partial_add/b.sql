CREATE TABLE jobs (id integer, state text, run_at timestamptz);
CREATE INDEX jobs_pending_idx ON jobs (run_at) WHERE state = 'pending' AND run_at IS NOT NULL;

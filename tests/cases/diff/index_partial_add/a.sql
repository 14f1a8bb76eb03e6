CREATE TABLE jobs (id integer, state text, run_at timestamptz);

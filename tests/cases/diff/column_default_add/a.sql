CREATE TABLE t (id integer, status text, created_at timestamptz);

CREATE TABLE t (id integer, status text DEFAULT 'new', created_at timestamptz DEFAULT now());

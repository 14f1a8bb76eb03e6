-- the old name comes back as a type (a table's row type holds it until the rename)
CREATE TABLE events_archive (id integer NOT NULL, payload text);
CREATE TYPE events AS (id integer, at timestamptz);

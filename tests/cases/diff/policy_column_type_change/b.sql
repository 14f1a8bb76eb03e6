CREATE TABLE notes (id integer PRIMARY KEY, level integer NOT NULL);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY low ON notes USING (level < 5);

CREATE TABLE notes (id integer PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, body text, public boolean DEFAULT false NOT NULL);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;

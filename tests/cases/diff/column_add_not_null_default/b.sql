CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, active boolean DEFAULT true NOT NULL, score integer NOT NULL DEFAULT 0);

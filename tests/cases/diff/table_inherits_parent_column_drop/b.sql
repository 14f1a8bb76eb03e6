CREATE TABLE stamped (id integer NOT NULL, created_at timestamp DEFAULT now());
CREATE TABLE notes (body text) INHERITS (stamped);
CREATE TABLE tasks (done boolean) INHERITS (stamped);

CREATE TABLE parent (id integer NOT NULL, code text NOT NULL, CONSTRAINT parent_pkey PRIMARY KEY (id));
CREATE TABLE child (id integer, parent_id integer REFERENCES parent (id));

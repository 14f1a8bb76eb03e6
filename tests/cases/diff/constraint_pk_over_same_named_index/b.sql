-- the constraints take over the unique indexes of their names
CREATE TABLE accounts (id integer NOT NULL PRIMARY KEY, code text NOT NULL UNIQUE);

-- the constraints give way to plain unique indexes of their names
CREATE TABLE accounts (id integer NOT NULL PRIMARY KEY, code text NOT NULL UNIQUE);

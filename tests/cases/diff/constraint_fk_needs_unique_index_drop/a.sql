-- the foreign keys go before the unique index they need (named so that the
-- parent's index would come first)
CREATE TABLE a_parent (id integer, code text NOT NULL);
CREATE UNIQUE INDEX a_parent_code ON a_parent (code);
CREATE TABLE z_child (id integer, parent_code text REFERENCES a_parent (code));

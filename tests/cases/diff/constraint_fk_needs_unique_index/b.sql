CREATE TABLE a_child (id integer, parent_code text);
-- the key referenced is only a unique index, made in the indexes phase: first
CREATE TABLE z_parent (id integer, code text NOT NULL);
CREATE UNIQUE INDEX z_parent_code ON z_parent (code);
ALTER TABLE a_child ADD CONSTRAINT a_child_parent FOREIGN KEY (parent_code) REFERENCES z_parent (code);
CREATE TABLE b_other (id integer, ref text REFERENCES z_parent (code));

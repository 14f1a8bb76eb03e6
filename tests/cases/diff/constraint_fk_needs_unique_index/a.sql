CREATE TABLE a_child (id integer, parent_code text);
CREATE TABLE z_parent (id integer, code text NOT NULL);

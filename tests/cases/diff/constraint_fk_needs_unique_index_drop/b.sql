CREATE TABLE a_parent (id integer, code text NOT NULL);
CREATE TABLE z_child (id integer, parent_code text);

CREATE TABLE items (id integer PRIMARY KEY, name text);
CREATE VIEW item_titles AS SELECT id, name FROM items;

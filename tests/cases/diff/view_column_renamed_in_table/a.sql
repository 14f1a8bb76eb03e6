CREATE TABLE items (id integer PRIMARY KEY, title text);
CREATE VIEW item_titles AS SELECT id, title FROM items;

CREATE TABLE items (id integer PRIMARY KEY, name text);
CREATE VIEW all_items AS SELECT id, name FROM items;

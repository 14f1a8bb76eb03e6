CREATE TABLE items (id integer PRIMARY KEY, name text, legacy text);
CREATE VIEW all_items AS SELECT id, name, legacy FROM items;

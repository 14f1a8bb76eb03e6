CREATE TABLE items (id integer PRIMARY KEY, name text, price numeric);
CREATE VIEW all_items AS SELECT * FROM items;

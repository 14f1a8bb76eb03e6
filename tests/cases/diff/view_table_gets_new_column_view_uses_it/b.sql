CREATE TABLE items (id integer PRIMARY KEY, name text, price numeric DEFAULT 0 NOT NULL);
CREATE VIEW all_items AS SELECT id, name, price FROM items;

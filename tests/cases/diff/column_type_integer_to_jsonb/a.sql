CREATE TABLE settings (id integer, value integer, enabled boolean);

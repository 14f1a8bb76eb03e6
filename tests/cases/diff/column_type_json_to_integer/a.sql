CREATE TABLE settings (id integer, value json, enabled json);

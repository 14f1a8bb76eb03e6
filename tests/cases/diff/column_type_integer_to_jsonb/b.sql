-- no cast from integer or boolean to jsonb: their text is JSON
CREATE TABLE settings (id integer, value jsonb, enabled json);

-- json has no cast to integer or boolean (jsonb has): through its text
CREATE TABLE settings (id integer, value integer, enabled boolean);

CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE old_log (id bigint PRIMARY KEY, message text);

CREATE TABLE things (id integer, kind text DEFAULT 'a');

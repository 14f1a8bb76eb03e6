CREATE TABLE users (id integer, first text, last text);

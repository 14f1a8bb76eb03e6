CREATE TABLE posts (id integer);

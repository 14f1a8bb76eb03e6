CREATE TABLE words (id integer, word text COLLATE "C");

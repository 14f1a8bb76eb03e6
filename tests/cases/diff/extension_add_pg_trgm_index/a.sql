CREATE TABLE articles (id integer PRIMARY KEY, title text);

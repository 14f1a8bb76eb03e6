CREATE TABLE t (id int, "similar" text, "left" int, "join" int, "verbose" text, "collation" text, "int" int);
CREATE INDEX t_similar_idx ON t ("similar", "left");
CREATE TABLE "order" ("user" int, "select" text);

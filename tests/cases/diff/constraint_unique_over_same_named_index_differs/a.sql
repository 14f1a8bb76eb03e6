CREATE TABLE tags (id integer NOT NULL, label text NOT NULL);
CREATE UNIQUE INDEX tags_label_key ON tags (lower(label));

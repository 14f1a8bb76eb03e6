CREATE TABLE hits (id bigint NOT NULL, path text, at date NOT NULL) PARTITION BY RANGE (at);
CREATE INDEX hits_path_idx ON hits (path);

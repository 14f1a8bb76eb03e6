CREATE TABLE hits (id bigint NOT NULL, path text, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE hits_2025 PARTITION OF hits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX hits_path_idx ON hits (path);
CREATE TABLE hits_2024 (id bigint NOT NULL, path text, at date NOT NULL);

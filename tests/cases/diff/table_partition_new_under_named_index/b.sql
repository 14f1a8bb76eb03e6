CREATE TABLE hits (id bigint NOT NULL, path text, at date NOT NULL) PARTITION BY RANGE (at);
CREATE INDEX hits_path_idx ON hits (path);
CREATE TABLE hits_2025 PARTITION OF hits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER INDEX hits_2025_path_idx RENAME TO hits_2025_by_path;

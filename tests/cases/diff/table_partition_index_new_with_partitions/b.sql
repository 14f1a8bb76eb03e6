CREATE TABLE hits (id bigint NOT NULL, path text, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE hits_2024 PARTITION OF hits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE hits_2025 PARTITION OF hits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX hits_path_idx ON ONLY hits (path);
CREATE INDEX old_hits_path ON hits_2024 (path);
ALTER INDEX hits_path_idx ATTACH PARTITION old_hits_path;
CREATE INDEX newer_hits_path ON hits_2025 (path);
ALTER INDEX hits_path_idx ATTACH PARTITION newer_hits_path;

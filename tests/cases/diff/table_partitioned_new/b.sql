CREATE TABLE keep (id integer);
CREATE TABLE events (
    id bigint NOT NULL,
    happened_at timestamptz NOT NULL,
    kind text,
    PRIMARY KEY (id, happened_at)
) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_kind_idx ON events (kind);

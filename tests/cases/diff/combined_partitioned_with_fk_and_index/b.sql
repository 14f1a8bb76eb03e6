CREATE TABLE tenants (id integer PRIMARY KEY);
CREATE TABLE events (tenant_id integer NOT NULL REFERENCES tenants (id), at date NOT NULL, payload jsonb, kind text DEFAULT 'x' NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_tenant_idx ON events (tenant_id, at);

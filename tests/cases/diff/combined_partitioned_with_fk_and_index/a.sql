CREATE TABLE tenants (id integer PRIMARY KEY);
CREATE TABLE events (tenant_id integer NOT NULL, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

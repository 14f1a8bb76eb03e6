CREATE TABLE tenants (id integer PRIMARY KEY);
CREATE TABLE orders (id integer NOT NULL, tenant_id integer REFERENCES tenants, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE orders_2024 PARTITION OF orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX orders_tenant_idx ON orders (tenant_id);

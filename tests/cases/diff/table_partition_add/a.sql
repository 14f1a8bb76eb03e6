CREATE TABLE measurements (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peak integer
) PARTITION BY RANGE (logdate);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX measurements_city_idx ON measurements (city_id);

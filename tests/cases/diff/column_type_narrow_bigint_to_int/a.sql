CREATE TABLE counters (hits bigint);

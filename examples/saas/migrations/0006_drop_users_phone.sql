-- "Drop a Column". The down part brings the column back (empty: the values are gone).
ALTER TABLE users DROP COLUMN phone;

-- pgshift:down
ALTER TABLE users
    ADD COLUMN phone varchar(20)
    CONSTRAINT phone_unique UNIQUE;

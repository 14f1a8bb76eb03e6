-- "Drop a Column". The down part brings the column back (empty: the values are gone).
-- Dropping a column loses its data, so the linter refuses it until it is acknowledged:
-- the application stopped reading phone in the release before this one.
-- pgshift:allow drop-column
ALTER TABLE users DROP COLUMN phone;

-- pgshift:down
ALTER TABLE users
    ADD COLUMN phone varchar(20)
    CONSTRAINT phone_unique UNIQUE;

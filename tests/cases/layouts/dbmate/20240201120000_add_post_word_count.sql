-- migrate:up
ALTER TABLE posts ADD COLUMN word_count integer;

-- migrate:down
ALTER TABLE posts DROP COLUMN word_count;

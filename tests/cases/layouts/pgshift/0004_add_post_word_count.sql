ALTER TABLE posts ADD COLUMN word_count integer;

-- pgshift:down
ALTER TABLE posts DROP COLUMN word_count;

-- pgshift:no-transaction
-- "Add an Index": built CONCURRENTLY so writes to posts go on while it builds,
-- which cannot run inside a transaction, hence the directive above.
CREATE INDEX CONCURRENTLY idx_posts_user_id ON posts (user_id);

-- pgshift:down
DROP INDEX CONCURRENTLY idx_posts_user_id;

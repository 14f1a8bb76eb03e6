-- Built without blocking writes to posts.
-- postgres-migrations disable-transaction
CREATE INDEX CONCURRENTLY posts_author_id_idx ON posts (author_id);

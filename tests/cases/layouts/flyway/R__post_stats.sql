-- Per-author figures, read by the post-feed view.
CREATE OR REPLACE VIEW post_stats AS
SELECT author_id, count(*) AS posts, max(published_at) AS last_published
FROM posts
GROUP BY author_id;

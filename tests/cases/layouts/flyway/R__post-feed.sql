-- Flyway runs repeatables by description ("post stats" < "post-feed"), so
-- post_stats exists when this runs; ordered by file name it would not.
CREATE OR REPLACE VIEW post_feed AS
SELECT p.id, p.title, u.display_name AS author, s.posts AS author_posts
FROM posts p
JOIN users u ON u.id = p.author_id
JOIN post_stats s ON s.author_id = p.author_id
WHERE p.published_at IS NOT NULL;

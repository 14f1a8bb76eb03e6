CREATE VIEW published_posts AS
SELECT p.id, p.title, u.display_name AS author, p.published_at
FROM posts p
JOIN users u ON u.id = p.author_id
WHERE p.published_at IS NOT NULL;

-- the repeatable views are built on posts
DROP VIEW IF EXISTS post_feed;
DROP VIEW IF EXISTS post_stats;
DROP TABLE posts;

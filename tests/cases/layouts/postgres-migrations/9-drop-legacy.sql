-- Drafts now live in posts (published_at IS NULL); logins are e-mails.
DROP TABLE drafts;
ALTER TABLE users DROP COLUMN legacy_login;

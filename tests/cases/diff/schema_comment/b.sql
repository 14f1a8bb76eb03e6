CREATE SCHEMA reports;
COMMENT ON SCHEMA reports IS 'read-only reporting objects';

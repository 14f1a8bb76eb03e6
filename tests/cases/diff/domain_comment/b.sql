CREATE DOMAIN qty AS integer;
COMMENT ON DOMAIN qty IS 'a count of things';

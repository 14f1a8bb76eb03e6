COMMENT ON SCHEMA public IS 'the application';

CREATE DOMAIN qty AS integer;

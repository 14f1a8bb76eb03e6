CREATE TABLE docs (id integer PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER docs_touch BEFORE INSERT OR UPDATE OF body ON docs FOR EACH ROW WHEN (NEW.body IS NOT NULL) EXECUTE FUNCTION touch();

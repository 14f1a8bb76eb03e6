CREATE TABLE docs (id integer PRIMARY KEY, version smallint NOT NULL, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER docs_touch BEFORE UPDATE OF version ON docs FOR EACH ROW WHEN (NEW.version > OLD.version) EXECUTE FUNCTION touch();

-- The accounts every environment needs. Fixed ids, so other seeds can point at
-- them and a second run finds them: ON CONFLICT updates only what differs, so
-- running the seeds again writes nothing.
-- The password is a placeholder, not a real hash: nobody can log in with it.
INSERT INTO users (id, name, email, password, bio)
VALUES
    ('00000000-0000-4000-8000-000000000001', 'Admin', 'admin@example.com',
     '!seed-placeholder-not-a-hash', 'Runs the place.'),
    ('00000000-0000-4000-8000-000000000002', 'Support', 'support@example.com',
     '!seed-placeholder-not-a-hash', 'Answers the questions.')
ON CONFLICT (id) DO UPDATE
SET name = excluded.name,
    email = excluded.email,
    password = excluded.password,
    bio = excluded.bio,
    updated_at = now()
WHERE (users.name, users.email, users.password, users.bio)
    IS DISTINCT FROM (excluded.name, excluded.email, excluded.password, excluded.bio);

-- Demo creators for local development (pgshift seed --env dev).
INSERT INTO users (id, name, email, password, bio)
VALUES
    ('00000000-0000-4000-8000-000000000101', 'Ada Lovelace', 'ada@example.com',
     '!seed-placeholder-not-a-hash', 'Writes about engines, analytical and otherwise.'),
    ('00000000-0000-4000-8000-000000000102', 'Grace Hopper', 'grace@example.com',
     '!seed-placeholder-not-a-hash', 'Compilers, nanoseconds, and the odd moth.'),
    ('00000000-0000-4000-8000-000000000103', 'Alan Turing', 'alan@example.com',
     '!seed-placeholder-not-a-hash', NULL)
ON CONFLICT (id) DO UPDATE
SET name = excluded.name,
    email = excluded.email,
    password = excluded.password,
    bio = excluded.bio,
    updated_at = now()
WHERE (users.name, users.email, users.password, users.bio)
    IS DISTINCT FROM (excluded.name, excluded.email, excluded.password, excluded.bio);

INSERT INTO creator_profiles (user_id, niche, target_audience, content_types, posting_frequency)
VALUES
    ('00000000-0000-4000-8000-000000000101', 'mathematics', 'students', 'articles', 'monthly'),
    ('00000000-0000-4000-8000-000000000102', 'programming', 'developers', 'videos', 'weekly')
ON CONFLICT (user_id) DO NOTHING;

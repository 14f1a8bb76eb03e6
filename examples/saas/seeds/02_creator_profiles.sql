-- The admin's creator profile, shown on the landing page.
INSERT INTO creator_profiles (user_id, bio, niche, target_audience, content_types, posting_frequency)
VALUES
    ('00000000-0000-4000-8000-000000000001', 'Product news and release notes.', 'software',
     'customers', 'articles', 'weekly')
ON CONFLICT (user_id) DO UPDATE
SET bio = excluded.bio,
    niche = excluded.niche,
    target_audience = excluded.target_audience,
    content_types = excluded.content_types,
    posting_frequency = excluded.posting_frequency,
    updated_at = now()
WHERE (creator_profiles.bio, creator_profiles.niche, creator_profiles.target_audience,
       creator_profiles.content_types, creator_profiles.posting_frequency)
    IS DISTINCT FROM (excluded.bio, excluded.niche, excluded.target_audience,
                      excluded.content_types, excluded.posting_frequency);

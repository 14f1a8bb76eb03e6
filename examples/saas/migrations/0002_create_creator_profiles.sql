-- One profile per user, removed with the user.
CREATE TABLE creator_profiles (
    user_id           uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    bio               text,
    niche             varchar(255),
    target_audience   varchar(255),
    content_types     varchar(255),
    posting_frequency varchar(255),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- pgshift:down
DROP TABLE creator_profiles;

-- The schema as the how-to's team built it: their migrate.js statements, run with psql
-- in the order the how-to gives them, every start re-running the CREATE ... IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    email VARCHAR(255) NOT NULL,
    password VARCHAR(255) NOT NULL,
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW()
);
CREATE TABLE IF NOT EXISTS creator_profiles (
    user_id UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    bio TEXT,
    niche VARCHAR(255),
    target_audience VARCHAR(255),
    content_types VARCHAR(255),
    posting_frequency VARCHAR(255),
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW()
);
CREATE TABLE IF NOT EXISTS posts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title VARCHAR(255) NOT NULL,
    content TEXT,
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW()
);
ALTER TABLE users
ADD COLUMN IF NOT EXISTS bio TEXT;
ALTER TABLE users
ADD COLUMN phone VARCHAR(20)
CONSTRAINT phone_unique UNIQUE;
ALTER TABLE users
DROP COLUMN phone;
CREATE INDEX IF NOT EXISTS idx_posts_user_id
ON posts(user_id);
ALTER TABLE users
ADD CONSTRAINT email_unique UNIQUE(email);

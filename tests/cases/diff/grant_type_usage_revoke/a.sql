CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN qty AS integer;

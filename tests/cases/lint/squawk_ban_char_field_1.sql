-- case: char(n), character(n), char and character pad with spaces
-- expect: prefer-text-over-varchar-char info line 3
CREATE TABLE "core_bar" (
    "id" bigint NOT NULL PRIMARY KEY,
    "alpha" char(100) NOT NULL,
    "beta" character(100) NOT NULL,
    "charlie" char NOT NULL,
    "delta" character NOT NULL
);

-- case: a column created as varchar(100) in an earlier file: varchar(200) widens it, varchar(150) after that narrows it
-- expect: narrowing-type-change none
CREATE TABLE users (id bigint, email varchar(100));

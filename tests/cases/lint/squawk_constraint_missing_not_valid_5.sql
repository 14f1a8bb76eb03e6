-- case: PRIMARY KEY and UNIQUE USING INDEX adopt a built index: no scan
-- expect: add-primary-key none
-- expect: add-unique-constraint none
-- live: CREATE TABLE account (id bigint NOT NULL, email text);
-- live: CREATE UNIQUE INDEX account_pk_idx ON account (id);
-- live: CREATE UNIQUE INDEX email_idx ON account (email);
-- runs: ok
ALTER TABLE account ADD CONSTRAINT account_pk PRIMARY KEY USING INDEX account_pk_idx;
ALTER TABLE "account" ADD CONSTRAINT "email_uniq" UNIQUE USING INDEX "email_idx";

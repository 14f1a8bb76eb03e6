-- Added by hand: the ORM does not write views.
CREATE VIEW "PublishedPost" AS
SELECT p."id", p."title", u."name" AS "author", p."publishedAt"
FROM "Post" p
JOIN "User" u ON u."id" = p."authorId"
WHERE p."publishedAt" IS NOT NULL;

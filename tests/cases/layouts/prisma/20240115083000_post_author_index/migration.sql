-- CreateIndex (edited by hand: built without blocking writes)
CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");

-- AlterTable
ALTER TABLE "Post" ADD COLUMN "wordCount" INTEGER;

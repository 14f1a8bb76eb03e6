/*
  Warnings:

  - You are about to drop the column `legacyLogin` on the `User` table. All the data in the column will be lost.
  - You are about to drop the `Draft` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "Draft" DROP CONSTRAINT "Draft_userId_fkey";

-- AlterTable
ALTER TABLE "User" DROP COLUMN "legacyLogin";

-- DropTable
DROP TABLE "Draft";

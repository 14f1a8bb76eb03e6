-- AlterTable
ALTER TABLE "User" ADD COLUMN "lastSeenAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP -- shown on profiles
;

COMMENT ON COLUMN "User"."lastSeenAt" IS 'Last sign-in; set at sign-up'
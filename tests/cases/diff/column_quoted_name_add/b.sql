CREATE TABLE "Order" (id integer, "User Name" text, "select" integer DEFAULT 1);

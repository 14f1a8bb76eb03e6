-- case: a quoted name over 63 bytes of multibyte characters (emoji) is cut too
-- expect: naming-and-identifiers info line 3
CREATE TABLE "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦" (id bigint);

-- case: a file that does not parse is a finding, and the files after it are still linted
-- expect: parse-error error line 3
CREATE TABLE (;

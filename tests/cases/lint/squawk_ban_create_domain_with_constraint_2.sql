-- case: a domain without constraints
-- expect: domain-constraint none
-- runs: ok
CREATE DOMAIN domain_name_1 AS TEXT;
CREATE DOMAIN domain_name_2 AS CHARACTER VARYING;

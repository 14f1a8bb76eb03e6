-- case: ALTER DOMAIN DROP, RENAME, VALIDATE, OWNER, SET SCHEMA scan nothing to break
-- expect: domain-constraint none
-- expect: drop-constraint warning line 4
ALTER DOMAIN domain_name_3 DROP CONSTRAINT other_domain_name;
ALTER DOMAIN domain_name_4 RENAME CONSTRAINT constraint_name TO other_constraint_name;
ALTER DOMAIN domain_name_5 RENAME TO other_domain_name;
ALTER DOMAIN domain_name_8 SET SCHEMA foo;

-- case: a domain with a CHECK: every later change of it scans every column of the domain
-- expect: domain-constraint warning line 4
-- expect: domain-constraint warning line 5
CREATE DOMAIN domain_name_3 AS NUMERIC(15,5) CHECK (value > 0);
CREATE DOMAIN d AS integer CHECK (value > 0) NOT NULL;

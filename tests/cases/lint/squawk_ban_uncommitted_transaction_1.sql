-- case: BEGIN or START TRANSACTION never committed (pgshift refuses transaction control)
-- expect: transaction-control-in-file error line 3
START TRANSACTION;
CREATE TABLE users (id bigint);

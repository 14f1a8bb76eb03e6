-- case: REFRESH MATERIALIZED VIEW waits for ACCESS EXCLUSIVE on the view: its readers queue
-- expect: missing-lock-timeout warning line 3
REFRESH MATERIALIZED VIEW user_counts;

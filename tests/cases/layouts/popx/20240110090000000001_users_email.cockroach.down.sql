DROP INDEX users@users_email_lower_idx;

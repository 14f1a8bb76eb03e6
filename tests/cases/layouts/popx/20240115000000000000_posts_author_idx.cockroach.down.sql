DROP INDEX posts@posts_author_id_idx;

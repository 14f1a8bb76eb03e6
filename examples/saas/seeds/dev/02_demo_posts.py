"""A dozen demo posts per demo creator, generated rather than written out.

A Python seed defines seed(conn); it runs in a transaction of its own and may
return the number of rows it wrote. The ids are derived from the author and the
post number, so a second run finds every post and writes nothing.
"""

import uuid

from psycopg import Connection

AUTHORS = ("00000000-0000-4000-8000-000000000101", "00000000-0000-4000-8000-000000000102")
NAMESPACE = uuid.UUID("6f0c6c1e-4d55-4c1b-9a3e-5b0a4c1d2e3f")

UPSERT = """
INSERT INTO posts (id, user_id, title, content)
VALUES (%s, %s, %s, %s)
ON CONFLICT (id) DO UPDATE
SET title = excluded.title, content = excluded.content, updated_at = now()
WHERE (posts.title, posts.content) IS DISTINCT FROM (excluded.title, excluded.content)
"""


def seed(conn: Connection[object]) -> int:
    rows = [
        (uuid.uuid5(NAMESPACE, f"{author}/{number}"), author, f"Demo post {number}", "Lorem ipsum.")
        for author in AUTHORS
        for number in range(1, 13)
    ]
    written = 0
    with conn.cursor() as cursor:
        for row in rows:
            cursor.execute(UPSERT, row)
            written += max(cursor.rowcount, 0)
    return written

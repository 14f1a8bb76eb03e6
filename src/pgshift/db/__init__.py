"""Reaching PostgreSQL: connections, the embedded servers, client tools, SQLSTATE hints.

The lowest layer above ``config`` and ``errors``: nothing here knows of migrations
or schemas.
"""

"""The schema as a value: the model, read from the catalogs, written as SQL and docs,
compared, and turned into the ordered statements between two models (``sql``).

Pure values in, values out: nothing here applies migrations.
"""

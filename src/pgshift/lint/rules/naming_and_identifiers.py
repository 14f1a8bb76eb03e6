"""Names over 63 bytes are cut short, and an unnamed index gets a name to guess.

## Problem

PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1): a longer
one is cut to its first 63 bytes, at a character boundary for multi-byte text,
with only a NOTICE ("identifier ... will be truncated to ..."). This holds for
every identifier of every statement (`CREATE`, `ALTER ... RENAME`, constraint
and index names, `DROP`, references), quoted or not, and it counts bytes, not
characters: in a UTF-8 database 32 `é` are 64 bytes, and the 57 characters of
the French name below are 65; in a quoted name `""` is one byte (`"`). So the
object is created under the cut name; two names that agree in their first 63
bytes are one name (the second `CREATE` fails, "already exists"); a `DROP` or
`ALTER` of a long name acts on whatever object has the cut name; and anything
that looks the object up by its full name as text (a catalog query, a tool)
does not find it. Identifiers inside a function body's string are not checked.

An index created without a name gets one PostgreSQL makes up, which a later
migration must guess to drop or rename it.

## Solution

Keep identifiers to 63 bytes, and name every index explicitly
(`<table>_<columns>_idx`).

## Examples

```sql bad line=1 severity=info safe="CREATE INDEX"
CREATE INDEX ON users (email);
```

```sql bad line=1 severity=info safe="at most 63 bytes"
CREATE TABLE subscription_renewal_reminders_sent_to_customers_by_email_or_text_message (id bigint);
```

```sql bad line=1 severity=info safe="at most 63 bytes"
ALTER TABLE users
ADD CONSTRAINT users_email_must_be_lower_case_and_contain_an_at_sign_and_no_spaces_check
CHECK (email = lower(email));
```

```sql bad line=1 severity=info safe="at most 63 bytes"
DROP TABLE subscription_renewal_reminders_sent_to_customers_by_email_or_text_message;
```

```sql bad line=1 severity=info safe="at most 63 bytes"
CREATE TABLE "événements_récurrents_à_envoyer_aux_abonnés_étrangers_été" (id bigint);
```

```sql good
CREATE INDEX users_email_idx ON users (email);
```

```sql good
CREATE TABLE subscription_renewal_reminders (id bigint);
```

```sql good
CREATE TABLE "événements_récurrents" (id bigint);
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity

_LIMIT = 63  # NAMEDATALEN - 1

# An identifier of 64 bytes or more is at least 16 characters (UTF-8 needs at most 4
# bytes a character), quoted or not: a statement without such a run is not scanned.
# [A-Za-z0-9_$] and every non-ASCII character, written as the ASCII it is not: the
# range up to U+10FFFF costs 3 ms to compile, at every start of `pgshift lint`
_IDENT_CHAR = r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
_MAYBE_LONG = re.compile(r'"(?:[^"]|""){16,}"|' + _IDENT_CHAR + "{16,}")
# an unquoted name is folded to lower case in ASCII only (in a UTF-8 database)
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _unquoted(text: str) -> str:
    """The contents of a quoted identifier or string: ``"a""b"`` -> ``a"b``."""
    quote = text[-1]
    return text[text.index(quote) + 1 : -1].replace(quote * 2, quote)


def _unicode(text: str, escape: str) -> str | None:
    """A ``U&"..."`` identifier as PostgreSQL reads it (None if it cannot be read)."""
    body = _unquoted(text)
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] != escape:
            out.append(body[i])
            i += 1
            continue
        if body[i + 1 : i + 2] == escape:
            out.append(escape)
            i += 2
            continue
        wide = body[i + 1 : i + 2] == "+"
        digits = body[i + 2 : i + 8] if wide else body[i + 1 : i + 5]
        if not re.fullmatch(r"[0-9A-Fa-f]{6}" if wide else r"[0-9A-Fa-f]{4}", digits):
            return None
        point = int(digits, 16)
        i += 8 if wide else 5
        # a UTF-16 surrogate pair written as two escapes is one character
        if 0xDC00 <= point <= 0xDFFF and out and 0xD800 <= ord(out[-1]) <= 0xDBFF:
            point = 0x10000 + ((ord(out.pop()) - 0xD800) << 10) + (point - 0xDC00)
        if point > 0x10FFFF:
            return None
        out.append(chr(point))
    name = "".join(out)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return None  # an unpaired surrogate: PostgreSQL refuses the statement
    return name


def _identifiers(sql: str) -> Iterator[tuple[str, str]]:
    """``(as written, as PostgreSQL reads it)`` of every identifier of a statement, by
    PostgreSQL's own scanner (pglast's): not the words of strings, comments or bodies."""
    from pglast import parser

    try:
        tokens = list(parser.scan(sql))
    except parser.ParseError:
        return
    for n, token in enumerate(tokens):
        text = sql[token.start : token.end + 1]
        if token.name == "IDENT":
            yield text, _unquoted(text) if text.startswith('"') else text.translate(_LOWER)
        elif token.name == "UIDENT":
            escape = "\\"
            after = tokens[n + 1 : n + 3]
            if len(after) == 2 and after[0].name == "UESCAPE" and after[1].name == "SCONST":
                escape = _unquoted(sql[after[1].start : after[1].end + 1])
            name = _unicode(text, escape) if len(escape) == 1 else None
            if name is not None:
                yield text, name


def _cut(name: str) -> str:
    """The name PostgreSQL keeps: its first 63 bytes, not splitting a character."""
    return name.encode()[:_LIMIT].decode(errors="ignore")


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if _MAYBE_LONG.search(stmt.sql):
        said: set[str] = set()
        for written, name in _identifiers(stmt.sql):
            size = len(name.encode())
            if size <= _LIMIT or name in said:
                continue
            said.add(name)
            cut = _cut(name).replace('"', '""')
            yield Hit(
                f"the identifier {written} is {size} bytes: PostgreSQL cuts every identifier "
                f'to 63 bytes, with only a NOTICE, so this statement means "{cut}": two names '
                "that agree in their first 63 bytes are one name, and a look-up of the full "
                "name as text misses it.",
                f"Use a name of at most {_LIMIT} bytes.",
            )
    if stmt.node == "IndexStmt" and not stmt.body.get("idxname"):
        yield Hit(
            "this index has no name: PostgreSQL makes one up, which later migrations must guess "
            "to drop or rename it.",
            "Name it: CREATE INDEX <table>_<columns>_idx ON ...",
        )


RULE = Rule(
    "naming-and-identifiers",
    "style",
    Severity.INFO,
    "Names over 63 bytes are cut short, and an unnamed index gets a name to guess.",
    check,
    doc=__doc__ or "",
)

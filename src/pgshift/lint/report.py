"""Findings to text: for a terminal, JSON, GitHub annotations and SARIF.

Reporters only format; they never decide what is a finding (the engine does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pgshift.lint.model import ENGINE_FINDINGS, Finding, Severity

FORMATS = ("text", "json", "github", "sarif")


def summary(findings: Sequence[Finding], files: int) -> str:
    """``3 errors, 1 warning in 12 files`` (or ``no findings in 12 files``)."""
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s.value}{'' if counts[s] == 1 else 's'}" for s in Severity if counts[s]]
    where = f"{files} file{'' if files == 1 else 's'}"
    return f"{', '.join(parts)} in {where}" if parts else f"no findings in {where}"


def text(findings: Sequence[Finding], files: int) -> str:
    """One paragraph per finding: where, what, the statement, the safe way."""
    out = []
    for f in findings:
        note = ENGINE_FINDINGS.get(f.rule, f"{f.url}; acknowledge with -- pgshift:allow {f.rule}")
        out.append(
            f"{f.path}:{f.line}:{f.column}: {f.severity.value} [{f.rule}] {f.message}\n"
            f"    {f.statement}\n"
            f"    safe: {f.safe}\n"
            f"    ({note})"
        )
    out.append(summary(findings, files))
    return "\n\n".join(out) + "\n"


def as_json(findings: Sequence[Finding], files: int) -> str:
    """``{"findings": [...], "files": N, "errors": N, ...}``."""
    import json  # only for this format: 1 ms a plain run does not pay

    counts = Counter(f.severity.value for f in findings)
    return json.dumps(
        {
            "findings": [f.to_dict() for f in findings],
            "files": files,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        },
        indent=2,
    )


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github(findings: Sequence[Finding], files: int) -> str:
    """GitHub Actions workflow commands: an annotation on the line of each finding."""
    lines = []
    for f in findings:
        body = _escape(f"{f.message}\nSafe: {f.safe}")
        lines.append(
            f"::{_GITHUB_LEVEL[f.severity]} file={_escape(f.path, prop=True)},line={f.line},"
            f"col={f.column},title={_escape(f'pgshift {f.rule}', prop=True)}::{body}"
        )
    lines.append(summary(findings, files))
    return "\n".join(lines) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif(findings: Sequence[Finding], files: int) -> str:
    """SARIF 2.1.0, for code scanning dashboards."""
    import json

    from pgshift.lint.rules import RULES
    from pgshift.version import __version__

    used = {f.rule for f in findings}
    rules = [r for r in RULES if r.id in used]
    index = {r.id: n for n, r in enumerate(rules)}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pgshift",
                        "version": __version__,
                        "rules": [
                            {
                                "id": r.id,
                                "shortDescription": {"text": r.summary},
                                "helpUri": f"docs/rules/{r.id}.md",
                                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
                                "properties": {"group": r.group},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        **({"ruleIndex": index[f.rule]} if f.rule in index else {}),
                        "level": _SARIF_LEVEL[f.severity],
                        "message": {"text": f"{f.message} Safe: {f.safe}"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": f.path},
                                    "region": {"startLine": f.line, "startColumn": f.column},
                                }
                            }
                        ],
                    }
                    for f in findings
                ],
            }
        ],
    }
    return json.dumps(document, indent=2)


def render(kind: str, findings: Sequence[Finding], files: int) -> str:
    """Findings in one of :data:`FORMATS`."""
    if kind == "json":
        return as_json(findings, files) + "\n"
    if kind == "github":
        return github(findings, files)
    if kind == "sarif":
        return sarif(findings, files) + "\n"
    return text(findings, files)

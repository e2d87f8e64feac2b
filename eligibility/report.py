"""A screening result as text a site coordinator reads."""

from __future__ import annotations

import textwrap

_MARK = {"met": "MET", "not_met": "NOT MET", "unknown": "UNKNOWN"}


def render_report(result) -> str:
    title = f"{result.patient_id or 'patient'} vs {result.trial_id or 'trial'}: {result.verdict.value.upper().replace('_', ' ')}"
    lines = [title, "=" * len(title), f"reference date: {result.reference_date}"]
    for kind in ("inclusion", "exclusion"):
        rows = [r for r in result.criteria if r.kind == kind]
        if not rows:
            continue
        lines.append("")
        lines.append(f"{kind.capitalize()} criteria")
        for r in rows:
            favour = "ok " if r.in_favour else ("!! " if r.decides_against else "?  ")
            lines.append(f" {favour}[{r.index}] {_MARK[r.outcome.value]:<8} {_short(r.text, 90)}")
            lines.extend(textwrap.wrap(r.explanation, 100, initial_indent="        ", subsequent_indent="        "))
    if result.to_confirm:
        lines.append("")
        lines.append("To confirm before enrolment:")
        lines.extend(f"  - {_short(item, 110)}" for item in result.to_confirm)
    if result.problems:
        lines.append("")
        lines.append("Problems:")
        lines.extend(f"  - {p}" for p in result.problems)
    if result.ignored_keys:
        lines.append(f"Patient keys not used by any known variable: {', '.join(result.ignored_keys)}")
    return "\n".join(lines)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

"""Renderers of ``planctl doctor``: a report to read (text) and json."""

from __future__ import annotations

from typing import TextIO

from planctl.corpus.doctor import Checkup, Finding, Severity
from planctl.render import register, write_json


def _finding_lines(finding: Finding, indent: str) -> list[str]:
    lines = [f"{indent}{finding.severity.value}: {finding.message}"]
    if finding.advice:
        lines.append(f"{indent}  → {finding.advice}")
    return lines


@register("doctor", "text")
def doctor_text(checkup: Checkup, stream: TextIO) -> None:
    out: list[str] = []
    for report in checkup.files:
        what = ", ".join(x for x in (report.format, report.encoding) if x)
        count = len(report.documents)
        out.append(f"{report.path}  ({what}; {count} document{'s' if count != 1 else ''})")
        for finding in report.findings:
            out += _finding_lines(finding, "  ")
        for doc in report.documents:
            size = f"{doc.size:,} characters" + (f", {doc.chapters} chapters" if doc.chapters else "")
            number = doc.name.rsplit("#", 1)[1]
            out.append(f"  #{number} {doc.kind:<10} {doc.title or '(no title)'}  ({size}; {doc.id})")
            for finding in doc.findings:
                out += _finding_lines(finding, "     ")
    checks = sum(f.severity == Severity.CHECK for r in checkup.files for f in r.all_findings)
    docs = sum(len(r.documents) for r in checkup.files)
    verdict = f"{checks} thing{'s' if checks != 1 else ''} to look at" if checks else "nothing to look at"
    out.append(f"{len(checkup.files)} files, {docs} documents: {verdict}")
    stream.write("\n".join(out) + "\n")


@register("doctor", "json")
def doctor_json(checkup: Checkup, stream: TextIO) -> None:
    write_json(checkup.to_dict(), stream)

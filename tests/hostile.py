"""Helpers of the hostile-input tests: hand-made Word packages, planctl in a process of its own
(bounded, never left behind), and the processes another one started."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

PLANCTL = str(Path(sys.executable).with_name("planctl"))
BOUND = 600.0
"""Seconds a planctl process may take before a test gives up on it (and kills it): a bound that
stops a hang from stopping the suite, never a measure of speed."""
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/numbering.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
          '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_DOCUMENT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/numbering" Target="numbering.xml"/></Relationships>')


def paragraph(text: str, num_id: str = "") -> str:
    """A ``w:p`` holding ``text`` (markup allowed), numbered by list ``num_id`` when given."""
    numbered = f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>' if num_id else ""
    return f"<w:p>{numbered}<w:r><w:t>{text}</w:t></w:r></w:p>"


def numbered_list(fmt: str, start: int, num_id: str = "7") -> str:
    """numbering.xml content: list ``num_id`` in format ``fmt`` starting at ``start`` (``%1、``)."""
    return (f'<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
            f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="1"/></w:num>')


def write_docx(path: Path, body: str, *, numbering: str = "", doctype: str = "") -> Path:
    """The smallest package Word and python-docx open: ``body`` (paragraphs) as the document,
    ``numbering`` as numbering.xml, ``doctype`` before the root element."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
                f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", document)
        if numbering:
            package.writestr("word/_rels/document.xml.rels", _DOCUMENT_RELS)
            package.writestr("word/numbering.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                                   f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>')
    return path


def planctl_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PLANCTL_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}


def run(args: list[str], cache: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    """planctl ``args`` in a process of its own (killed if it outlives :data:`BOUND`)."""
    return subprocess.run([PLANCTL, *args], env=planctl_env(cache), capture_output=True, text=True, timeout=BOUND,
                          check=False, **kwargs)


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc), zombies left out."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def wait_until(condition, what: str, bound: float = BOUND) -> None:
    """Poll ``condition`` until it holds; fail (saying ``what``) if it has not within ``bound`` s."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting, after {bound:.0f} s, for {what}")
        time.sleep(0.05)

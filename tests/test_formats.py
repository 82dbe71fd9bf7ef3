"""The formats offices publish: .docx (Word's automatic numbering, real tables, boxed 专栏), saved
web pages (.html, .mhtml), PDFs printed by office suites (LibreOffice) — each read into the same
tree as its text twin; other formats refused in one line.

Twins are made from the shipped plans the way offices make them (tests/office.py): python-docx
for Word, LibreOffice headless for its PDF (skipped, with the reason, where LibreOffice is not
installed; .ci/run installs it), pages in the structure of www.gov.cn and of a provincial site.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.env import Environment
from planctl.export import indicator_rows
from planctl.ingest import read_source
from planctl.model import CHAPTER, COLUMN, MEASURE, Document
from planctl.parse import parse, parse_file
from planctl.parse.lossless import lost_characters
from tests.helpers import CORPUS
from tests.office import as_mhtml, documents_to_docx, docx_to_pdf, gov_cn_page, provincial_page, soffice

runner = CliRunner()
PLANS = ["wuwei-2022-employment-plan.txt", "gansu-2021-market-system-and-employment-plans.txt",
         "qinghai-2021-employment-plan.txt", "tianshui-gansu-2023-employment-notices.txt"]
REAL = Path(__file__).resolve().parents[2] / "shared" / "real"


def structure(docs: list[Document]) -> list[tuple]:
    """What a twin must share with its text: documents, chapters, 专栏, measures, indicator rows."""
    out: list[tuple] = []
    for d in docs:
        out.append(("document", d.id, d.kind, d.title, d.doc_number, d.date))
        out += [("chapter", n.number, n.title) for n in d.children if n.kind == CHAPTER]
        out += [("column", n.path, n.number, n.title) for n in d.walk() if n.kind == COLUMN]
        out += [("measure", n.path, n.title) for n in d.walk() if n.kind == MEASURE]
        out += [("indicator", *(v for k, v in r.items() if k not in ("source_path", "source_line", "plan_title")))
                for r in indicator_rows([d])]
    return out


def assert_twins(text_docs: list[Document], twin_docs: list[Document], twin: str) -> None:
    want, got = structure(text_docs), structure(twin_docs)
    missing = [x for x in want if x not in got]
    extra = [x for x in got if x not in want]
    assert not missing and not extra, f"{twin}: missing {missing[:3]}, extra {extra[:3]}"
    assert want == got, f"{twin}: same nodes, different order"


@cache
def text_docs(name: str) -> list[Document]:
    return parse_file(CORPUS / name)


@pytest.fixture(scope="module")
def office_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("office")


@pytest.fixture(scope="module")
def docx_twins(office_dir) -> dict[str, Path]:
    return {name: documents_to_docx(text_docs(name), office_dir / f"{Path(name).stem}.docx",
                                    running_header=text_docs(name)[-1].title) for name in PLANS}


@pytest.mark.parametrize("name", PLANS)
def test_docx_twin_reads_like_the_text(docx_twins, name: str) -> None:
    assert_twins(text_docs(name), parse_file(docx_twins[name]), f"{name} as .docx")


def test_word_numbering_is_rendered(docx_twins) -> None:
    """The chapter and section numbers are in no text run: they come from numbering.xml."""
    import zipfile

    path = docx_twins["gansu-2021-market-system-and-employment-plans.txt"]
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "第一章" not in xml and "（一）" not in xml and "w:numPr" in xml
    lines = [ln.text for ln in read_source(path).lines]
    assert any(t.startswith("第一章") for t in lines) and any(t.startswith("（一）") for t in lines)
    assert any(t.startswith("一、") for t in lines)


def test_docx_lines_are_paragraph_numbers(docx_twins) -> None:
    import docx

    path = docx_twins["wuwei-2022-employment-plan.txt"]
    source = read_source(path)
    body = docx.Document(str(path)).element.body
    top_level = [el for el in body if el.tag.endswith(("}p", "}tbl"))]
    assert len(source.lines) >= len(top_level)  # a paragraph a line; rows and box paragraphs add lines
    measure = next(n for d in parse(source).documents for n in d.walk() if n.kind == MEASURE)
    assert measure.title[:4] in source.lines[measure.line_start - 1].text


@pytest.fixture(scope="module")
def pdf_twins(office_dir, docx_twins) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui")
    return {name: docx_to_pdf(path, office_dir) for name, path in docx_twins.items()}


@pytest.mark.parametrize("name", PLANS)
def test_libreoffice_pdf_twin_reads_like_the_text(pdf_twins, name: str) -> None:
    assert_twins(text_docs(name), parse_file(pdf_twins[name]), f"{name} printed to PDF by LibreOffice")


def test_libreoffice_pdf_keeps_tables_as_tables(pdf_twins) -> None:
    source = read_source(pdf_twins["gansu-2021-market-system-and-employment-plans.txt"])
    rows = [ln.text.split("\t") for ln in source.lines if "\t" in ln.text]
    assert rows and all(len(set(r)) == len(r) or len([c for c in r if c]) <= 3 for r in rows)
    assert sum(r[0] == "名称" for r in rows) <= 7  # a header repeated on a continued page is dropped
    assert not any("专栏" in cell for r in rows for cell in r)  # a box's title is text, not a cell


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize("style", ["gov.cn", "provincial", "mhtml"])
def test_web_page_twin_reads_like_the_text(tmp_path, name: str, style: str) -> None:
    docs = text_docs(name)
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    page = {"gov.cn": lambda: gov_cn_page(docs, lines), "provincial": lambda: provincial_page(docs, lines),
            "mhtml": lambda: as_mhtml(provincial_page(docs, lines), "gb2312")}[style]()
    path = tmp_path / f"{Path(name).stem}.{'mhtml' if style == 'mhtml' else 'html'}"
    path.write_bytes(page)
    twin = parse_file(path)
    assert_twins(docs, twin, f"{name} as a {style} page")
    notice = twin[0]
    assert notice.doc_number and notice.date  # the metadata block or the text fills them
    if style == "gov.cn":
        assert notice.published == "2022-01-20"  # 发布日期 kept apart from the 成文日期


def test_web_page_chrome_is_left_out(tmp_path) -> None:
    name = "wuwei-2022-employment-plan.txt"
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "page.html"
    path.write_bytes(provincial_page(text_docs(name), lines))
    text = "\n".join(ln.text for ln in read_source(path).lines)
    for chrome in ("走进", "您现在的位置", "打印", "网站标识码", "ICP备", "主办："):
        assert chrome not in text
    assert "索引号" in text and "武政办发〔2022〕10号" in text


# ---- the real files -------------------------------------------------------------------------
def _real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{REAL} is not beside the checkout; real documents not checked")
    return path


def test_real_docx_has_its_chapters_and_items() -> None:
    docs = parse_file(_real("12_zhongfa-2026-1_central-no1-document.docx"))
    (doc,) = docs
    assert [n.number for n in doc.children if n.kind == CHAPTER] == list("一二三四五六")
    items = [n.number for n in doc.walk() if n.number.startswith("（")]
    assert items[:3] == ["（一）", "（二）", "（三）"] and len(items) >= 25


def test_real_docx_and_its_pdf_agree() -> None:
    from_docx = parse_file(_real("12_zhongfa-2026-1_central-no1-document.docx"))
    from_pdf = parse_file(_real("12_zhongfa-2026-1_central-no1-document.pdf"))
    assert [(n.number, n.title) for n in from_docx[0].walk() if n.number] == \
        [(n.number, n.title) for n in from_pdf[0].walk() if n.number]


def test_real_office_pdf_body_stays_text() -> None:
    """The hainan PDF: a page grid LibreOffice drew is not a table; the 附件 table is."""
    path = _real("hainan-2024-2026_farm-machinery-subsidy-scheme.pdf")
    result = parse(read_source(path, env=Environment.recording()))
    _notice, scheme = result.documents
    tables = [n for n in scheme.walk() if n.kind == "table"]
    assert len(tables) == 1 and len(tables[0].rows) > 100  # the attachment's 1./1.1/1.1.1 list
    assert tables[0].rows[0][0] == "1." and tables[0].rows[1][0] == "1.1"
    for row in tables[0].rows:  # a merged cell never copies its text across the row
        assert max(row.count(c) for c in row if c) <= 2
    assert not lost_characters(result.source, result.documents)
    assert [n.number for n in scheme.children if n.kind == CHAPTER] == list("一二三四五六七")


# ---- every command takes them ---------------------------------------------------------------
def test_commands_accept_docx_and_html(tmp_path, docx_twins) -> None:
    docx = docx_twins["wuwei-2022-employment-plan.txt"]
    page = tmp_path / "wuwei.html"
    page.write_bytes(gov_cn_page(text_docs("wuwei-2022-employment-plan.txt"),
                                 (CORPUS / "wuwei-2022-employment-plan.txt").read_text(encoding="utf-8").splitlines()))
    for path in (docx, page):
        shown = runner.invoke(app, ["show", f"{path}#2", "--format", "json"])
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["documents"][0]["id"] == "wuwei-employment-2022"
        found = runner.invoke(app, ["search", "零工市场", "--plan", str(path), "-c"])
        assert found.exit_code == 0 and "wuwei-employment-2022" in found.stdout
        rows = runner.invoke(app, ["export", "indicators", str(path), "--format", "json"])
        assert rows.exit_code == 0 and len(json.loads(rows.stdout)) == 12
        diff = runner.invoke(app, ["diff", str(path), str(CORPUS / "wuwei-2022-employment-plan.txt"), "--format",
                                   "json"])
        assert diff.exit_code == 0, diff.output  # the same plan: no differences


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "soffice --headless --convert-to docx"),
    ("plan.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "WPS"),
    ("plan.ofd", b"PK\x03\x04", "OFD"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "OCR"),
    ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "OCR"),
])
def test_other_formats_are_one_clear_line(tmp_path, name: str, data: bytes, needle: str) -> None:
    path = tmp_path / name
    if name.endswith(".ofd"):
        import zipfile

        with zipfile.ZipFile(path, "w") as z:
            z.writestr("OFD.xml", "<ofd:OFD/>")
    else:
        path.write_bytes(data)
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr, result.stderr


def test_format_is_told_by_content_not_name(tmp_path, docx_twins) -> None:
    misnamed = tmp_path / "plan.txt"
    misnamed.write_bytes(docx_twins["wuwei-2022-employment-plan.txt"].read_bytes())
    assert read_source(misnamed).encoding == "docx"
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html><html><body><div class='TRS_Editor'><p>一、总体要求</p>"
                    "<p>坚持稳中求进工作总基调，推动经济高质量发展。</p></div></body></html>", encoding="utf-8")
    assert read_source(page).encoding.startswith("html")


def test_a_box_title_repeated_on_each_page_is_kept_once(pdf_twins) -> None:
    """Word repeats a framed 专栏's title row, and a table's header row, at the top of every page
    the box runs over: each is set aside as furniture, not read as a new box or a new row."""
    from planctl.ingest.pdf import pdf_to_source

    source, report = pdf_to_source(pdf_twins["wuwei-2022-employment-plan.txt"])
    assert any(f.text.startswith("专栏") for f in report.furniture)
    docs = parse(source).documents
    numbers = [n.number for d in docs for n in d.walk() if n.kind == COLUMN]
    assert numbers == sorted(set(numbers), key=int)
    assert all(ln.number == k for k, ln in enumerate(source.lines, 1))  # lines numbered without gaps

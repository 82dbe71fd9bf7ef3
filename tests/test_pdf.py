"""PDF input: the same tree as the text, page furniture set aside, tables stitched, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.errors import PlanctlError
from planctl.export import indicator_rows
from planctl.ingest.pdf import (
    PdfReport,
    _check_readable,
    _fill_merged,
    garbage_share,
    is_page_number,
    normalise_radicals,
    pdf_to_source,
)
from planctl.model import CHAPTER, COLUMN, MEASURE, TABLE
from planctl.parse import parse, parse_file, parse_source
from tests.helpers import CORPUS

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
PLAN_PDF = FIXTURES / "wuwei-plan.pdf"
PLAN_TXT = CORPUS / "wuwei-2022-employment-plan.txt"
runner = CliRunner()

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def _pdf(path: Path, draw) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    draw(c)
    c.showPage()
    c.save()
    return path


def _structure(docs):
    out = []
    for d in docs:
        out.append((
            d.id, d.kind, d.title, d.doc_number,
            [(n.number, n.title) for n in d.children if n.kind == CHAPTER],
            [(n.number, n.title) for n in d.walk() if n.kind == COLUMN],
            [(n.path, n.title) for n in d.walk() if n.kind == MEASURE],
        ))
    return out


def test_pdf_and_text_give_the_same_tree() -> None:
    from_text, from_pdf = parse_file(PLAN_TXT), parse_file(PLAN_PDF)
    assert _structure(from_pdf) == _structure(from_text)
    assert len([n for n in from_pdf[1].walk() if n.kind == MEASURE]) > 40


def test_pdf_and_text_give_identical_indicator_rows() -> None:
    def rows(docs):
        return [{k: v for k, v in r.items() if k not in ("source_path", "source_line")} for r in indicator_rows(docs)]

    from_pdf = rows(parse_file(PLAN_PDF))
    assert from_pdf == rows(parse_file(PLAN_TXT))
    assert len(from_pdf) == 12 and from_pdf[0]["target_cumulative"] is True


def test_table_broken_across_pages_is_stitched_with_one_header() -> None:
    source, _ = pdf_to_source(PLAN_PDF)
    (table,) = [n for d in parse_source(source) for n in d.walk() if n.kind == TABLE]
    assert len(table.rows) == 13 and [r[0] for r in table.rows].count("序号") == 1
    assert len({source.lines[k - 1].page for k in table.row_lines}) >= 2  # it really spans pages


def test_page_furniture_is_set_aside_and_lines_keep_pages() -> None:
    source, report = pdf_to_source(PLAN_PDF)
    texts = [ln.text for ln in report.furniture]
    assert "— 1 —" in texts and f"— {report.pages} —" in texts
    assert texts.count("武威市“十四五”就业促进规划") == report.pages  # the running header, once a page
    assert not any(ln.text.startswith("— ") for ln in source.lines)
    assert all(ln.page for ln in source.lines) and source.lines[-1].page == report.pages


def test_wrapped_lines_are_rejoined() -> None:
    source, _ = pdf_to_source(PLAN_PDF)
    assert any(ln.wrapped for ln in source.lines)  # the reader marks them; the parser joins them
    long_lines = [text for text in parse(source).lines if len(text) > 120]
    assert long_lines  # paragraphs longer than one printed line came back whole
    assert any("城镇新增就业人员累计达到12.53万人" in t for t in long_lines)


def test_fake_bold_duplicates_removed(tmp_path) -> None:
    def draw(c):
        for dx in (0, 0.25):  # the same text twice, a hair apart: fake bold
            c.drawString(72 + dx, 700, "一、总体要求")
        c.drawString(72, 670, "坚持稳中求进。推动高质量发展。")

    source, _ = pdf_to_source(_pdf(tmp_path / "bold.pdf", draw))
    assert source.lines[0].text == "一、总体要求"


def test_no_spaces_between_han_characters(tmp_path) -> None:
    def draw(c):
        text = c.beginText(72, 700)
        text.setFont("STSong-Light", 12)
        text.setCharSpace(8)  # letter-spaced heading
        text.textLine("保障措施")
        c.drawText(text)

    source, _ = pdf_to_source(_pdf(tmp_path / "spaced.pdf", draw))
    assert source.lines[0].text == "保障措施"


def test_merged_cells_filled_from_neighbours() -> None:
    assert _fill_merged([["序号", "指标", None], ["1", "城镇新增\n就业", "〔150〕"], ["2", None, "5"]]) == [
        ["序号", "指标", "指标"], ["1", "城镇新增就业", "〔150〕"], ["2", "2", "5"]]


def test_merged_cells_in_a_real_pdf_table(tmp_path) -> None:
    from reportlab.lib import colors
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    doc = SimpleDocTemplate(str(tmp_path / "merged.pdf"), pagesize=A4)
    table = Table([["序号", "指标", "目标"], ["1", "城镇新增就业", "〔150〕"], ["2", "失业率", ""]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (1, 2), (2, 2)),
                               ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]))
    doc.build([table])
    source, _ = pdf_to_source(tmp_path / "merged.pdf")
    rows = [ln.text.split("\t") for ln in source.lines]
    assert rows[0] == ["序号", "指标", "目标"] and rows[2][0] == "2" and rows[2][1] == rows[2][2] == "失业率"


def test_page_numbers_and_radicals() -> None:
    assert all(is_page_number(t) for t in ("— 5 —", "－12－", "- 5 -", "5", "第 3 页", "3/20"))
    assert not any(is_page_number(t) for t in ("2025", "一、总体要求", "5.5%"))
    assert normalise_radicals("\u2f00\u2f08\u2f2f") == "一人工"


def test_garbage_detection() -> None:
    assert garbage_share("(cid:12)(cid:34)(cid:56)总") > 0.9
    assert garbage_share("一、总体要求") == 0
    with pytest.raises(PlanctlError, match="mostly unreadable glyphs on pages 1, 2"):
        _check_readable("x.pdf", PdfReport(pages=3, garbage_pages=[1, 2]))


def test_scan_needs_ocr() -> None:
    with pytest.raises(PlanctlError, match=r"no text layer.*ocrmypdf.*pages 1"):
        pdf_to_source(FIXTURES / "scanned.pdf")
    result = runner.invoke(app, ["show", str(FIXTURES / "scanned.pdf")])
    assert result.exit_code == 2 and "OCR" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("name", "message"), [("corrupt.pdf", "not a readable PDF"),
                                              ("encrypted.pdf", "the PDF is encrypted")])
def test_broken_pdfs_fail_clearly(name: str, message: str) -> None:
    # (the message, not the file's name: "encrypted.pdf: … may be corrupt" once passed for "encrypted")
    result = runner.invoke(app, ["show", str(FIXTURES / name)])
    assert result.exit_code == 2 and f"{name}: {message}" in result.stderr and "Traceback" not in result.output


def test_cli_commands_accept_pdf_paths() -> None:
    pdf = str(PLAN_PDF)
    shown = json.loads(runner.invoke(app, ["show", f"{pdf}#2", "-f", "json"]).stdout)
    assert shown["documents"][0]["source"]["encoding"] == "pdf"
    exported = runner.invoke(app, ["export", "indicators", f"{pdf}#2", "-f", "jsonl"])
    assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == 12
    diffed = runner.invoke(app, ["diff", f"{pdf}#2", "wuwei-employment-2022", "-f", "json"])
    assert diffed.exit_code in (0, 1)
    assert json.loads(diffed.stdout)["summary"]["left_only"] <= 1
    found = runner.invoke(app, ["search", "零工市场", "--plan", f"{pdf}#2"])
    assert found.exit_code == 0 and "零工市场" in found.stdout


def test_partly_scanned_file_is_read_with_a_warning(tmp_path, capsys) -> None:
    import io

    from PIL import Image
    from reportlab.lib.utils import ImageReader

    buf = io.BytesIO()
    Image.new("RGB", (50, 50), "gray").save(buf, format="PNG")
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, "一、总体要求")
    c.showPage()
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 72, 400, 200, 200)
    c.showPage()
    c.save()
    source, report = pdf_to_source(path)
    assert report.empty_pages == [2] and source.lines[0].text == "一、总体要求"
    assert "no text layer on pages 2" in capsys.readouterr().err


def test_unruled_table_is_found_by_text_alignment(tmp_path) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
    doc = SimpleDocTemplate(str(tmp_path / "unruled.pdf"), pagesize=A4)
    table = Table([["序号", "指标名称", "2020年基数", "2025年目标", "指标属性"],
                   ["1", "城镇新增就业人数（万人）", "35.7", "〔150〕", "预期性"],
                   ["2", "城镇调查失业率（%）", "5.9", "<6", "预期性"],
                   ["3", "城镇登记失业率（%）", "3.27", "<5.5", "预期性"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]))  # no rules at all
    doc.build([Paragraph("专栏1 主要指标", body), table])
    source, _ = pdf_to_source(tmp_path / "unruled.pdf")
    (parsed,) = parse_source(source)
    rows = indicator_rows([parsed])
    assert [r["name"] for r in rows] == ["城镇新增就业人数", "城镇调查失业率", "城镇登记失业率"]
    assert rows[0]["target_cumulative"] is True and rows[1]["target_comparator"] == "<"

"""``planctl diff --format html``: a report a researcher can send — both plans' metadata and the
summary, the aligned structure side by side with each pair's texts (shared passages marked,
word changes between editions), filters by kind, relation and confidence, the indicators with
small bars, every item linked to its file and line. One self-contained file."""

from __future__ import annotations

from dataclasses import replace
from typing import TextIO

from planctl.compare.align import compared_text
from planctl.compare.confidence import shipped_calibration
from planctl.compare.diff import Diff, DiffPair
from planctl.indicators import Indicator
from planctl.model import APPENDIX, CHAPTER, COLUMN, HEADING_KINDS, MEASURE, SECTION, Document, Node
from planctl.render import register
from planctl.render.diff import why_line
from planctl.render.html import bar, document_meta, esc, file_links, highlight, page, source_link

KINDS = ((CHAPTER, "chapters"), (SECTION, "sections"), (MEASURE, "measures"), (COLUMN, "专栏"))
RELATIONS = (("same", "same text"), ("adapted", "adapted"), ("related", "other words"), ("group", "groups"),
             ("unmatched", "one plan only"))


def _filter_css() -> str:
    rules = []
    for kind, _ in KINDS:
        rules.append(f"body:has(#f-kind-{kind}:not(:checked)) tr.kind-{kind} {{ display: none; }}")
    rules.append("body:has(#f-kind-chapter:not(:checked)) tr.kind-appendix { display: none; }")
    rules.append("body:has(#f-kind-measure:not(:checked)) tr.kind-article { display: none; }")
    for rel, _ in RELATIONS:
        rules.append(f"body:has(#f-rel-{rel}:not(:checked)) tr.rel-{rel} {{ display: none; }}")
    rules.append("body:has(#f-conf-likely:checked) tr.conf-weak { display: none; }")
    rules.append("body:has(#f-conf-strong:checked) tr.conf-weak, "
                 "body:has(#f-conf-strong:checked) tr.conf-likely { display: none; }")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


# Progressive enhancement only: the page works without it. It counts what the filters show and
# takes a starting view from the address (#hide=measure,related&min=strong&open=t12: filters, and
# one pair opened and scrolled to), so a link can point a colleague at what was found.
SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  function apply(hash) {
    var params = new URLSearchParams(hash.replace(/^#/, ""));
    (params.get("hide") || "").split(",").forEach(function (name) {
      if (!name) return;
      var box = document.getElementById("f-kind-" + name) || document.getElementById("f-rel-" + name);
      if (box) box.checked = false;
    });
    var min = params.get("min");
    if (min && document.getElementById("f-conf-" + min)) document.getElementById("f-conf-" + min).checked = true;
    var open = params.get("open") && document.getElementById(params.get("open"));
    if (open) {
      open.checked = true;
      if (params.get("scroll") !== "no") open.closest("tr").scrollIntoView();
    }
  }
  function count() {
    var rows = document.querySelectorAll("tr.row"), shown = 0;
    rows.forEach(function (r) { if (getComputedStyle(r).display !== "none") shown += 1; });
    var status = document.getElementById("status");
    status.textContent = "showing " + shown + " of " + rows.length + " rows";
    status.setAttribute("data-shown", shown);
    status.setAttribute("data-total", rows.length);
  }
  function review(hash) {
    // #review: the pairs planctl is least sure of first, so a reader's few minutes go where a
    // judgement helps most; then everything else in reading order.
    if (!/(^|[#&])review(&|$)/.test(hash)) return;
    var body = document.querySelector("table.pairs tbody");
    var blocks = [], block = null;
    Array.prototype.forEach.call(body.children, function (tr) {
      if (tr.classList.contains("texts") && block) { block.rows.push(tr); return; }
      block = {rows: [tr], conf: tr.hasAttribute("data-conf") ? parseFloat(tr.getAttribute("data-conf")) : 2,
               order: blocks.length};
      blocks.push(block);
    });
    blocks.sort(function (a, b) { return a.conf - b.conf || a.order - b.order; });
    blocks.forEach(function (b) { b.rows.forEach(function (tr) { body.appendChild(tr); }); });
  }
  function judgements() {
    var lines = [], table = document.querySelector("table.pairs");
    document.querySelectorAll("table.pairs tr.row").forEach(function (tr) {
      var left = tr.getAttribute("data-left"), right = tr.getAttribute("data-right");
      var yes = tr.querySelector("input.judge-yes"), no = tr.querySelector("input.judge-no");
      var pick = tr.querySelector("select.pick");
      if (left && right && yes && yes.checked) lines.push(left + "\\t" + right);
      if (left && right && no && no.checked) lines.push("!" + left + "\\t" + right);
      if (pick && pick.value) {
        lines.push(pick.getAttribute("data-side") === "left" ? left + "\\t" + pick.value : pick.value + "\\t" + right);
      }
    });
    var head = "# " + table.getAttribute("data-left-ref") + "\\t" + table.getAttribute("data-right-ref") + "\\n";
    return head + "# judged in the planctl report; ! marks a pair judged wrong\\n" + lines.join("\\n") +
      (lines.length ? "\\n" : "");
  }
  function judged() {
    var n = document.querySelectorAll("input.judge-yes:checked, input.judge-no:checked").length;
    document.querySelectorAll("select.pick").forEach(function (s) { if (s.value) n += 1; });
    var counter = document.getElementById("judged");
    if (counter) counter.textContent = n + " judged";
  }
  var download = document.getElementById("download");
  if (download) {
    download.hidden = false;
    download.addEventListener("click", function () {
      var blob = new Blob([judgements()], {type: "text/tab-separated-values;charset=utf-8"});
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = download.getAttribute("data-file");
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }
  window.planctlJudgements = judgements;
  apply(location.hash);
  review(location.hash);
  form.addEventListener("change", count);
  document.addEventListener("change", judged);
  window.addEventListener("hashchange", function () { apply(location.hash); review(location.hash); count(); });
  count();
  judged();
})();
"""


def _label(node: Node) -> str:
    path = f'<span class="path">{esc(node.path)}</span>' if node.path else ""
    title = node.title or node.text[:40]
    return f"{path}{esc(title)}"


def _side(node: Node | None, doc: Document, files: dict[str, str], expandable: str = "") -> str:
    if node is None:
        return '<td class="side dim">—</td>'
    label = _label(node)
    if expandable:
        label = f'<label class="expand" for="{expandable}">{label}</label>'
    return f'<td class="side">{label}{source_link(doc.source.path, node.line_start, files)}</td>'


def _classes(p: DiffPair) -> str:
    kind = p.pair.kind
    if p.status == "grouped":
        rel, conf = "group", "none"
    elif p.status in ("left_only", "right_only"):
        rel, conf = "unmatched", "none"
    else:
        rel, conf = p.pair.relation or "related", p.pair.label or "weak"
    status = {"left_only": "only-left", "right_only": "only-right"}.get(p.status, p.status)
    heading = " heading" if kind in HEADING_KINDS else ""
    chapter = " chapter" if kind in (CHAPTER, APPENDIX) else ""
    return f"row kind-{kind} rel-{rel} conf-{conf} {status}{heading}{chapter}"


def _middle(p: DiffPair) -> str:
    if p.status == "left_only":
        return '<span class="badge b-left">left only</span>'
    if p.status == "right_only":
        return '<span class="badge b-right">right only</span>'
    if p.status == "grouped":
        return '<span class="badge b-group">group</span>'
    mark = {"same": "same text", "adapted": "adapted", "related": "other words"}.get(p.pair.relation, "")
    what = esc(p.pair.label) if p.pair.kind in HEADING_KINDS else f"{esc(p.pair.label)} · {esc(mark)}"
    return (f'<span class="badge b-{esc(p.pair.label)}" title="estimated probability the pair is right">'
            f'{p.pair.confidence:.2f}</span><span class="rel">{what}</span>')


def _texts(p: DiffPair, classes: str) -> str:
    """The row under a pair with both full texts (shared passages marked, or word changes)."""
    left, right = p.pair.left, p.pair.right
    classes = " ".join(c for c in classes.split() if c not in ("heading", "chapter"))
    if p.segments:
        body = "".join(esc(t) if op == "=" else (f"<del>{esc(t)}</del>" if op == "-" else f"<ins>{esc(t)}</ins>")
                       for op, t in p.segments)
        return f'<tr class="texts {classes.replace("row ", "")}"><td colspan="3">{body}</td></tr>'
    cells = []
    for node, spans in ((left, [(x.left_start, x.left_end) for x in p.pair.passages]),
                        (right, [(x.right_start, x.right_end) for x in p.pair.passages])):
        cells.append(highlight(compared_text(node), spans) if node is not None else "")
    return (f'<tr class="texts {classes.replace("row ", "")}"><td class="side">{cells[0]}</td><td class="mid"></td>'
            f'<td class="side">{cells[1]}</td></tr>') + _why(p, classes)


def _why(p: DiffPair, classes: str) -> str:
    """Why the pair was made (diff --explain's line): under both texts when a pair is opened."""
    if p.pair.left is None or p.pair.right is None or not p.pair.features:
        return ""
    values, shared, related = why_line(p)
    parts = [f"<b>why</b> {esc(values)}" if values else "<b>why</b> the same text"]
    if shared:
        parts.append(f"<b>shared words</b> {esc(shared)}")
    if related:
        parts.append(f"<b>related terms</b> {esc(related)}")
    return (f'<tr class="texts why {classes.replace("row ", "")}"><td colspan="3" class="dim">'
            f'{" · ".join(parts)}</td></tr>')


def _key(node: Node) -> str:
    """A node as a gold file names it: path and title."""
    return f"{node.path}|{node.title}"


def _judge(k: int) -> str:
    """✓ / ✗ for a pair made (written into the gold TSV the report downloads)."""
    return (f'<span class="judge noprint"><label title="right"><input type="radio" class="judge-yes" '
            f'name="j{k}" aria-label="right">✓</label><label title="wrong"><input type="radio" class="judge-no" '
            f'name="j{k}" aria-label="wrong">✗</label></span>')


def _pick(side: str, options: list[Node]) -> str:
    """For a node one plan alone has: choose its partner among the other plan's lone nodes."""
    if not options:
        return ""
    items = "".join(f'<option value="{esc(_key(n))}">{esc(n.path)} {esc(n.title or n.text[:30])}</option>'
                    for n in options)
    return (f'<select class="pick noprint" data-side="{side}" aria-label="pair with">'
            f'<option value="">pair with …</option>{items}</select>')


def _attributes(p: DiffPair) -> str:
    left, right = p.pair.left, p.pair.right
    out = ""
    if left is not None:
        out += f' data-left="{esc(_key(left))}"'
    if right is not None:
        out += f' data-right="{esc(_key(right))}"'
    if left is not None and right is not None:
        out += f' data-conf="{p.pair.confidence:.3f}"'
    return out


def _pair_rows(d: Diff) -> list[str]:
    rows = []
    lone_left = [p.pair.left for p in d.pairs if p.status == "left_only" and p.pair.left is not None]
    lone_right = [p.pair.right for p in d.pairs if p.status == "right_only" and p.pair.right is not None]
    for k, p in enumerate(d.pairs):
        classes = _classes(p)
        left, right = p.pair.left, p.pair.right
        has_text = any(n is not None and compared_text(n) != n.title for n in (left, right))
        toggle = f"t{k}" if has_text and p.status != "grouped" else ""
        if p.status == "grouped":
            members = "、".join(esc(n.path or n.title) for n in p.pair.group)
            group = f'<td class="side">{members} <span class="dim">(a group)</span></td>'
            if left is not None:
                cells = (_side(left, d.left, d.files), group)
            else:
                cells = (group, _side(right, d.right, d.files))
            rows.append(f'<tr class="{classes}">{cells[0]}<td class="mid">{_middle(p)}</td>{cells[1]}</tr>')
            continue
        checkbox = (f'<input type="checkbox" class="toggle" id="{toggle}" aria-label="show both texts">'
                    if toggle else "")
        if p.status == "left_only":
            extra = _pick("left", lone_right)
        elif p.status == "right_only":
            extra = _pick("right", lone_left)
        else:
            extra = _judge(k)
        rows.append(f'<tr class="{classes}"{_attributes(p)}>{_side(left, d.left, d.files, toggle)}'
                    f'<td class="mid">{checkbox}{_middle(p)}{extra}</td>{_side(right, d.right, d.files, toggle)}</tr>')
        if toggle:
            rows.append(_texts(p, classes))
    return rows


def _target(ind: Indicator | None) -> str:
    if ind is None:
        return ""
    base, target = (c.raw if c else "" for c in (ind.base, ind.target))
    return f"{esc(base)} → {esc(target)}" if base else esc(target)


def _indicator_rows(d: Diff) -> list[str]:
    rows = []
    for i in d.indicators:
        left, right = i.pair.left, i.pair.right
        values = [x.target.value for x in (left, right) if x is not None and x.target is not None
                  and x.target.value is not None]
        comparable = left is not None and right is not None and len(values) == 2 and left.unit == right.unit
        top = max(values) if comparable and values else None
        mark = {"matched": "=", "changed": "≠", "left_only": "left only", "right_only": "right only"}[i.status]

        def cells(ind: Indicator | None, cls: str, top: float | None = top) -> str:
            if ind is None:
                return '<td class="dim">—</td><td></td><td></td>'
            value = ind.target.value if ind.target is not None else None
            attr = {"binding": "约束性", "expected": "预期性"}.get(ind.attribute, ind.attribute_raw)
            return (f"<td>{esc(ind.name)} <span class=\"dim\">{esc(attr)}</span>"
                    f"{source_link(ind.table.doc.source.path if ind.table else '', ind.line, d.files)}</td>"
                    f"<td>{esc(ind.unit)}</td><td class=\"num\">{_target(ind)} {bar(value, top or 0, cls)}</td>")

        rows.append(f'<tr class="ind-{i.status}">{cells(left, "l")}<td class="mid">{esc(mark)}</td>'
                    f"{cells(right, '')}</tr>")
    return rows


def _summary(d: Diff) -> list[str]:
    s, shared = d.summary, d.shared()
    cards = [("matched", s["matched"]), ("strong", s["strong"]), ("likely", s["likely"]), ("weak", s["weak"]),
             (f"only in {d.left.id}", s["left_only"]), (f"only in {d.right.id}", s["right_only"]),
             ("headings as groups", s["grouped"]), ("附件 items restating", s["restated"]),
             (f"of {d.left.id}'s text shared", f"{shared['left']:.0%}"),
             (f"of {d.right.id}'s text shared", f"{shared['right']:.0%}")]
    out = ['<div class="cards">'] + [f"<div class=\"card\"><b>{esc(v)}</b><span>{esc(k)}</span></div>"
                                     for k, v in cards if v != 0] + ["</div>"]
    adoption = d.adoption()
    if adoption:
        out.append(
            f'<p class="adoption"><b>Adoption.</b> {esc(adoption["city"])} took from {esc(adoption["province"])}: '
            f'{adoption["adopted"]} measures word for word, {adoption["adapted"]} adapted, {adoption["reworded"]} '
            f'reworded; {adoption["added"]} measures are the city\'s own, {adoption["not_taken_up"]} of the '
            f"province's were not taken up.</p>")
    mode = "two editions of one plan: word changes shown" if d.mode == "versions" else "two plans compared"
    calibrated = f" Calibrated on {d.calibrated_on} of your pairs." if d.calibrated_on else ""
    out.append(f'<p class="dim">Mode: {esc(mode)}. Confidence is the estimated probability that a pair is right '
               f"(strong ≥ 0.9, likely ≥ 0.7); pairs below {shipped_calibration().floor:g} are not made.{calibrated} "
               "Click a row to read both "
               "texts; shared passages (8 or more characters word for word) are marked.</p>")
    return out


def _filters() -> str:
    kinds = "".join(f'<label><input type="checkbox" id="f-kind-{k}" checked> {esc(n)}</label>' for k, n in KINDS)
    rels = "".join(f'<label><input type="checkbox" id="f-rel-{r}" checked> {esc(n)}</label>' for r, n in RELATIONS)
    conf = "".join(f'<label><input type="radio" name="conf" id="f-conf-{c}"{" checked" if c == "all" else ""}> '
                   f"{esc(n)}</label>" for c, n in (("all", "all"), ("likely", "likely and strong"),
                                                     ("strong", "strong only")))
    return (f'<form class="filters" id="filters"><fieldset><legend>Kind</legend>{kinds}</fieldset>'
            f"<fieldset><legend>Relation</legend>{rels}</fieldset>"
            f'<fieldset><legend>Confidence</legend>{conf}</fieldset><span class="status" id="status"></span></form>')


def _review_bar(d: Diff) -> str:
    """Judge the pairs (✓ right, ✗ wrong, or pick a lone item's partner) and download the
    judgements as a gold file for ``planctl eval`` and ``planctl calibrate``."""
    name = f"{d.left.id}--{d.right.id}.tsv"
    return (f'<p class="review noprint">Judge pairs with ✓ / ✗, pair a lone item by picking its partner, then '
            f'<button type="button" id="download" data-file="{esc(name)}" hidden>download the judgements</button> '
            f'as a gold file (<code>planctl eval</code>, <code>planctl calibrate</code>) · <span id="judged"></span> · '
            '<a href="#review">least sure first</a></p>')


def diff_html_page(d: Diff) -> str:
    from planctl import __version__

    body = [f"<h1>{esc(d.left.title)} ⟷ {esc(d.right.title)}</h1>", '<section id="plans">',
            document_meta([d.left, d.right], d.files), "</section>", '<section id="summary">', *_summary(d),
            "</section>",
            _filter_css(), '<section id="structure"><h2>Structure and measures, side by side</h2>', _filters(),
            _review_bar(d),
            f'<table class="pairs" data-left-ref="{esc(d.refs[0] or d.left.id)}" '
            f'data-right-ref="{esc(d.refs[1] or d.right.id)}"><thead><tr>'
            f'<th>{esc(d.left.id)}</th><th class="mid">sure</th><th>{esc(d.right.id)}</th></tr></thead><tbody>',
            *_pair_rows(d), "</tbody></table></section>"]
    if d.indicators:
        body += ['<section id="indicators"><h2>Indicators</h2><table class="inds"><thead><tr>',
                 f"<th>{esc(d.left.id)}</th><th>unit</th><th>base → target</th><th class=\"mid\"></th>"
                 f"<th>{esc(d.right.id)}</th><th>unit</th><th>base → target</th></tr></thead><tbody>",
                 *_indicator_rows(d), "</tbody></table></section>"]
    if d.restatements:
        body += ['<section id="restatements"><h2>附件 items and the measures they restate</h2><table><tbody>']
        for r in d.restatements:
            doc = d.left if r.side == "left" else d.right
            body.append(f"<tr><td>{_label(r.item)}{source_link(doc.source.path, r.item.line_start, d.files)}</td>"
                        f"<td class=\"mid\">restates</td><td>{_label(r.body)}"
                        f"{source_link(doc.source.path, r.body.line_start, d.files)}</td></tr>")
        body.append("</tbody></table></section>")
    body.append(f"<footer>planctl {esc(__version__)} · planctl diff {esc(d.left.id)} {esc(d.right.id)}</footer>")
    return page(f"{d.left.title} ⟷ {d.right.title}", body, SCRIPT)


@register("diff", "html")
def diff_html(d: Diff, stream: TextIO) -> None:
    stream.write(diff_html_page(replace(d, files=file_links(d.files, stream))))


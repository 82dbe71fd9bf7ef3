"""The ``planctl`` command line. Commands only resolve arguments, call one library
function, hand the result to one renderer and return an exit status."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from planctl import __version__
from planctl.errors import ExitStatus, PlanctlError

app = typer.Typer(
    name="planctl",
    help="Turn Chinese government plans (规划) and notices into structure you can compare, search and export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, Any] = {"debug": False, "corpus": None}
F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    typer.echo(f"planctl: error: {message}", err=True)


def handles_errors(fn: F) -> F:
    """Turn :class:`PlanctlError` into a one-line message and exit status 2 (traceback with --debug)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PlanctlError as exc:
            if _state["debug"]:
                raise
            _fail(str(exc))
            raise typer.Exit(ExitStatus.ERROR) from None
        except BrokenPipeError:
            # `planctl search 就业 | head -1`: the reader has gone; leave quietly.
            _silence_stdout()
            raise typer.Exit(ExitStatus.OK) from None
        except KeyboardInterrupt:
            if _state["debug"]:
                raise
            typer.echo("planctl: interrupted", err=True)
            raise typer.Exit(ExitStatus.INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"planctl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    corpus: Annotated[
        Path | None,
        typer.Option("--corpus", help="Corpus directory (default: the shipped corpora/, or $PLANCTL_CORPUS).",
                     envvar="PLANCTL_CORPUS"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    _state["debug"] = debug
    _state["corpus"] = corpus
    from planctl import corpus as corpus_module
    from planctl.ingest import pdf

    pdf.progress_factory = _progress("reading PDF")
    corpus_module.progress_factory = _progress("parsing plans")


def _progress(label: str, minimum: int = 20) -> Callable[[int], Callable[[int], None]]:
    """A factory of progress bars on stderr for long work (none off a terminal or for little work):
    given the total, returns a callback taking the number done."""

    def start(total: int) -> Callable[[int], None]:
        if total < minimum or not sys.stderr.isatty():
            return lambda done: None
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(stderr=True), transient=True)
        task = bar.add_task(label, total=total)
        bar.start()

        def tick(done: int) -> None:
            bar.update(task, completed=done)
            if done >= total:
                bar.stop()

        return tick

    return start


def _corpus() -> Any:
    """The corpus, lazily: metadata first, trees when a command asks (corpus.ensure_trees)."""
    from planctl.corpus import load_corpus

    return load_corpus(_state["corpus"], lazy=True)


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Output format.")]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Decode plan files with this codec instead of auto-detecting.")
]


@app.command("list")
@handles_errors
def list_command(fmt: FormatOpt = "rich") -> None:
    """List every document in the corpus: id, aliases, kind, title, region, date, size.

    Example: planctl list --format json
    """
    from planctl.render import render

    render("list", fmt, _corpus().documents, sys.stdout)


@app.command("show")
@handles_errors
def show_command(
    plans: Annotated[list[str], typer.Argument(help="Plan id, alias (gansu, 甘肃), file path, or PATH#N.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="rich (outline tree), json (full tree), markdown, outline.")
    ] = "rich",
    encoding: EncodingOpt = None,
    everything: Annotated[
        bool, typer.Option("--all", "-a", help="Tree view: include paragraphs, metadata and furniture.")
    ] = False,
    depth: Annotated[int | None, typer.Option("--depth", "-d", min=1, help="Tree view: levels to show.")] = None,
    indicators: Annotated[
        bool, typer.Option("--indicators", "-i", help="Show the typed indicator tables instead (rich or json).")
    ] = False,
) -> None:
    """Show a plan's structure: chapters, sections, measures, 专栏 and tables.

    Example: planctl show wuwei --depth 2
    """
    from planctl.render import render
    from planctl.render.views import ShowRequest

    docs = _resolve_all(plans, encoding)
    if indicators:
        from planctl.indicators import indicator_tables

        tables = [t for d in docs for t in indicator_tables(d)]
        if not tables:
            typer.echo("planctl: no indicator table in " + ", ".join(d.id for d in docs), err=True)
            raise typer.Exit(ExitStatus.NO_MATCH)
        render("indicators", fmt, tables, sys.stdout)
        return
    render("show", fmt, ShowRequest(docs, everything=everything, depth=depth), sys.stdout)


def _resolve_all(plans: list[str] | None, encoding: str | None) -> list[Any]:
    """Resolve plan references (all of the corpus when none), reporting on-the-fly decodes."""
    corpus = _corpus()
    if not plans:
        corpus.ensure_trees()
        return list(corpus.documents)
    docs = [corpus.resolve(ref, encoding=encoding) for ref in plans]
    corpus.ensure_trees(docs)
    _report_decoded(corpus, docs)
    return docs


def _report_decoded(corpus: Any, docs: list[Any]) -> None:
    """Say how files given by path were decoded (corpus files are not worth a line)."""
    from planctl.ingest import text

    for warning in text.warnings:
        typer.echo(f"planctl: warning: {warning}", err=True)
    text.warnings.clear()
    for doc in docs:
        if not any(doc is d for d in corpus.documents):
            typer.echo(f"planctl: read {doc.source.path} as {doc.source.encoding}", err=True)


def _check_format(view: str, fmt: str) -> None:
    from planctl.render import formats

    if fmt not in formats(view):
        raise PlanctlError(f"unknown format '{fmt}'; choose from: {', '.join(formats(view))}")


class DiffMode(str, Enum):
    compare = "compare"
    versions = "versions"


class DiffOnly(str, Enum):
    matched = "matched"
    unmatched = "unmatched"
    changed = "changed"


class DiffKind(str, Enum):
    chapter = "chapter"
    section = "section"
    measure = "measure"
    column = "column"
    indicator = "indicator"


@app.command("diff")
@handles_errors
def diff_command(
    left: Annotated[str, typer.Argument(help="Plan id, alias (gansu, 甘肃), path or PATH#N.")],
    right: Annotated[str, typer.Argument(help="The plan to compare it with.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="rich (side by side), markdown, json or csv.")] = "rich",
    kind: Annotated[
        list[DiffKind] | None, typer.Option("--kind", "-k", help="Only these kinds (repeatable).")
    ] = None,
    only: Annotated[DiffOnly | None, typer.Option("--only", help="Only matched, unmatched or changed pairs.")] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", "-t", min=0.0, max=1.0, help="Split pairs scoring below this.")
    ] = None,
    mode: Annotated[
        DiffMode | None, typer.Option("--mode", help="compare or versions (default: detect editions).")
    ] = None,
    encoding: EncodingOpt = None,
) -> None:
    """Compare two plans: which chapters, measures, 专栏 and indicators correspond, which differ,
    and what one plan has that the other lacks. Editions of one plan get a word-level diff.

    Example: planctl diff gansu qinghai

    Exit status 0 when there are no differences, 1 when there are, 2 on error.
    """
    from planctl.diff import diff_documents, filter_diff
    from planctl.render import render

    _check_format("diff", fmt)
    corpus = _corpus()
    a, b = corpus.resolve_pair(left, right, encoding=encoding)
    corpus.ensure_trees([a, b])
    _report_decoded(corpus, [a, b])
    result = diff_documents(a, b, mode=mode.value if mode else None, idf=corpus.idf())
    kinds = [k.value for k in kind or []]
    compared = filter_diff(result, kinds, None, threshold)
    render("diff", fmt, filter_diff(compared, (), only.value if only else None), sys.stdout)
    if compared.has_differences:
        raise typer.Exit(ExitStatus.NO_MATCH)


def _open_corpus_index(force: bool = False) -> tuple[Any, Any, Any]:
    """The corpus search index (built when stale, with a progress bar on stderr for a large
    corpus), its status, and a corpus of the indexed documents' metadata for resolving plans.
    A fresh index is used without parsing the corpus at all."""
    from planctl.corpus import Corpus, corpus_files, load_corpus
    from planctl.paths import cache_dir, corpus_dir
    from planctl.search import catalogue, open_index

    root = Path(_state["corpus"]) if _state["corpus"] else corpus_dir()
    files = corpus_files(root)
    loaded: list[Any] = []
    bars: list[Callable[[int], None]] = []

    def documents() -> list[Any]:
        loaded.append(load_corpus(root))
        return list(loaded[0].documents)

    def lines_of(doc: Any) -> list[str]:
        return list(loaded[0].cleaned_lines(doc))

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(_progress("indexing", minimum=50)(total))
        bars[0](done)

    conn, status = open_index(documents, files, cache_dir(), force=force, lines_of=lines_of, progress=progress)
    corpus = loaded[0] if loaded else Corpus(documents=catalogue(conn), root=root, files=files)
    return conn, status, corpus


@app.command("index")
@handles_errors
def index_command() -> None:
    """Rebuild the search index of the corpus now and report what it holds.

    Example: planctl index
    """
    conn, status, _corpus_meta = _open_corpus_index(force=True)
    kinds = conn.execute("SELECT kind, count(*) FROM nodes GROUP BY kind ORDER BY 2 DESC").fetchall()
    plans = conn.execute("SELECT count(DISTINCT plan_id) FROM nodes").fetchone()[0]
    typer.echo(f"indexed {status.rows} nodes from {plans} documents into {status.path}")
    typer.echo("  " + ", ".join(f"{k} {n}" for k, n in kinds))


class SearchFormat(str, Enum):
    grep = "grep"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


@app.command("search")
@handles_errors
def search_command(
    query: Annotated[str, typer.Argument(help='Words (all must match), A OR B, -word, "exact phrase".')],
    plan: Annotated[
        list[str] | None, typer.Option("--plan", "-p", help="Only these plans: id, alias or path (repeatable).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Only plans of this region and the places under it (甘肃, gansu).")
    ] = None,
    level: Annotated[str | None, typer.Option("--level", help="province, city or county.")] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only these node kinds: measure, row, paragraph …")
    ] = None,
    within: Annotated[
        str | None, typer.Option("--in", help="Only under this path prefix, e.g. 三 or 三/（一）.")
    ] = None,
    any_term: Annotated[bool, typer.Option("--any", help="Any word may match (OR) instead of all.")] = False,
    expand: Annotated[
        bool, typer.Option("--expand", "-e", help="Also match synonyms (dictionaries/synonyms.tsv).")
    ] = False,
    fmt: Annotated[SearchFormat, typer.Option("--format", "-f", help="grep (default), json, jsonl or csv.")] = (
        SearchFormat.grep
    ),
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many hits.")] = None,
    count: Annotated[bool, typer.Option("--count", "-c", help="Count hits per plan.")] = False,
    plans_only: Annotated[bool, typer.Option("-l", "--files-with-matches", help="Only the plans with hits.")] = False,
    context: Annotated[int, typer.Option("-C", "--context", min=0, help="Sentences of context around a hit.")] = 0,
    encoding: EncodingOpt = None,
) -> None:
    """Find measures (and every other node) containing the query, ranked, with plan, path and line.

    Example: planctl search 零工市场

    Finds every node grep would find. Exit status 0 when something is found, 1 when nothing is, 2 on error.
    """
    import os

    from planctl.regions import region_table
    from planctl.render import render
    from planctl.render.hits import SearchResult
    from planctl.search import Filters, memory_index, parse_query, search

    parsed = parse_query(query, any_term=any_term)
    if level and level not in ("province", "city", "county"):
        raise PlanctlError(f"unknown level '{level}'; choose from: province, city, county")
    conn, _status, corpus = _open_corpus_index()
    filters = Filters(kinds=list(kind or []), level=level or "", path_prefix=(within or "").strip("/"))
    if region:
        found = region_table().get(region)
        if found is None:
            raise PlanctlError(f"unknown region '{region}'")
        filters.regions = region_table().with_descendants(found)  # 甘肃 includes 武威
    outside: list[Any] = []
    for ref in plan or []:
        doc = corpus.resolve(ref, encoding=encoding)
        filters.plans.append(doc.id)
        if not any(doc is d for d in corpus.documents):
            outside.append(doc)
    _report_decoded(corpus, outside)
    expander: Callable[[str], list[str]] | None = None
    if expand:
        from planctl.lexicon import lexicon

        expander = lexicon().expand

    if outside and len(outside) == len(filters.plans):
        conn = memory_index(outside, corpus.cleaned_lines)
    elif outside:
        raise PlanctlError("mix of corpus plans and files in --plan: search them in two runs")
    hits = search(conn, parsed, filters, expand=expander, limit=limit, context_sentences=context)
    color = fmt == SearchFormat.grep and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    terms = [v for t in parsed.positive_terms for v in (expander(t) if expander is not None else [t])]
    view = "count" if count else ("plans" if plans_only else fmt.value)
    render("search", view, SearchResult(hits, terms, color, context), sys.stdout)
    if not hits:
        raise typer.Exit(ExitStatus.NO_MATCH)


class ExportWhat(str, Enum):
    indicators = "indicators"
    measures = "measures"
    outline = "outline"


@app.command("export")
@handles_errors
def export_command(
    what: Annotated[ExportWhat, typer.Argument(help="indicators, measures or outline.")],
    plans: Annotated[
        list[str] | None, typer.Argument(help="Plans (id, alias, path, PATH#N); none means the whole corpus.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, json, jsonl or markdown.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    excel: Annotated[bool, typer.Option("--excel", help="CSV with a UTF-8 BOM, for Excel on Chinese Windows.")] = False,
    encoding: EncodingOpt = None,
) -> None:
    """Export indicators, measures or the outline as tidy rows (CSV by default).

    Example: planctl export indicators gansu-employment-2021 --format csv -o gansu.csv

    Exit status 1 when the selection holds no rows (e.g. no indicator table).
    """
    from planctl.export import EXPORTS
    from planctl.render import render
    from planctl.render.tables import RowsRequest

    _check_format("rows", fmt)
    docs = _resolve_all(plans, encoding)
    make_rows, columns = EXPORTS[what.value]
    rows = make_rows(docs)
    if not rows:
        typer.echo(f"planctl: no {what.value} in " + ", ".join(d.id for d in docs), err=True)
        raise typer.Exit(ExitStatus.NO_MATCH)
    request = RowsRequest(rows=rows, columns=columns, excel=excel)
    if output is None:
        render("rows", fmt, request, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as stream:
            render("rows", fmt, request, stream)
    except OSError as exc:
        raise PlanctlError(f"cannot write {output}: {exc.strerror or exc}") from None
    typer.echo(f"planctl: wrote {len(rows)} {what.value} rows to {output}", err=True)


def main() -> None:
    """Console entry point: Ctrl-C exits 130 and a closed pipe exits quietly."""
    try:
        app(prog_name="planctl")
    except KeyboardInterrupt:
        typer.echo("planctl: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # `planctl list | head -1`: the reader left; say nothing.
        _silence_stdout()
        sys.exit(ExitStatus.OK)


if __name__ == "__main__":  # pragma: no cover
    main()

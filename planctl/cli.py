"""The ``planctl`` command line. Each command resolves its arguments, makes one library call,
hands the result to one renderer and returns an exit status; everything it does is callable
from Python (see the README's "Library" section)."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TextIO, TypeVar

import typer

# typer 0.28 (pinned) carries its own click: its usage error and context types are these.
from typer._click import Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup
from typer.exceptions import TyperException

from planctl import __version__
from planctl.env import Environment
from planctl.errors import ExitStatus, PlanctlError

GLOBAL_OPTIONS = {"--corpus": True, "--encoding": True, "--quiet": False, "-q": False, "--debug": False,
                  "--strict": False, "--follow-links": False, "--scheduler": True}
"""Options of every command, accepted before or after the subcommand (True: takes a value)."""


def _hoist_globals(args: list[str], commands: Mapping[str, Any]) -> list[str]:
    """``planctl list --corpus DIR`` as ``planctl --corpus DIR list``: the global options found
    after the subcommand (up to ``--``) move before it, unless the subcommand has an option of
    that name itself (``show --encoding``)."""
    at = next((k for k, a in enumerate(args) if a in commands and (k == 0 or args[k - 1] not in GLOBAL_OPTIONS
                                                                   or not GLOBAL_OPTIONS[args[k - 1]])), None)
    if at is None:
        return args
    own = {opt for param in commands[args[at]].params for opt in param.opts}
    moved: list[str] = []
    rest: list[str] = []
    k = at + 1
    while k < len(args):
        arg = args[k]
        if arg == "--":
            rest += args[k:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and name not in own:
            takes = GLOBAL_OPTIONS[name] and "=" not in arg
            moved += args[k:k + 2] if takes else [arg]
            k += 2 if takes else 1
            continue
        rest.append(arg)
        k += 1
    return [*args[:at], *moved, args[at], *rest]


def _usage_error(exc: UsageError) -> NoReturn:
    """A usage error as one ``planctl: error:`` line with a hint, exit status 2 (click prints a
    usage block)."""
    message = " ".join(exc.format_message().split())
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "planctl"
    print(f"planctl: error: {message} (see '{command} --help')", file=sys.stderr)
    raise typer.Exit(ExitStatus.ERROR)


class _Group(TyperGroup):
    """planctl's command group: global options anywhere, usage errors in one line, and the run's
    progress ended however a command ends."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        args = _hoist_globals(list(args), self.commands)
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _usage_error(exc)
        finally:
            if _state["engine"] is not None:
                _state["engine"].close()  # a local cluster's workers stop with the command
            if _state["env"] is not None:
                _state["env"].close()


app = typer.Typer(
    cls=_Group,
    name="planctl",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # rich help on a terminal; plain help (and no rich import) when piped
    rich_markup_mode="rich" if sys.stdout is not None and sys.stdout.isatty() else None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, Any] = {"env": None, "strict": False, "encoding": None, "follow_links": False, "scheduler": None,
                          "engine": None}
F = TypeVar("F", bound=Callable[..., Any])


def _env() -> Environment:
    env = _state["env"]
    if env is None:
        env = _state["env"] = Environment()
    return env


def handles_errors(fn: F) -> F:
    """Turn every error into a one-line message and exit status 2 (``--debug``: the traceback
    first); a command's return value is its exit status."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        env = _env()
        try:
            status = fn(*args, **kwargs)
        except BrokenPipeError:
            # `planctl search 就业 | head -1`: the reader has gone; leave quietly.
            _silence_stdout()
            raise typer.Exit(ExitStatus.OK) from None
        except KeyboardInterrupt:
            _fail(env, "planctl: interrupted", ExitStatus.INTERRUPTED)
        except PlanctlError as exc:
            _fail(env, f"planctl: error: {exc}")
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except MemoryError:
            _fail(env, "planctl: error: out of memory")
        except Exception as exc:  # a fault of planctl's: still one line and status 2
            _fail(env, f"planctl: error: internal error ({exc.__class__.__name__}: {exc}); "
                       "please report it with the output of --debug")
        if status:
            raise typer.Exit(int(status))

    return wrapper  # type: ignore[return-value]


def _fail(env: Environment, message: str, status: ExitStatus = ExitStatus.ERROR) -> None:
    """Say ``message`` in one line on stderr (the traceback before it with --debug) and exit
    with ``status``."""
    env.close()  # clear any progress line first: the message must not be drawn over
    if env.debug:
        import traceback

        with contextlib.suppress(OSError, ValueError):
            traceback.print_exc(file=sys.stderr)
    env.say(" ".join(message.split()))
    raise typer.Exit(status) from None


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # AttributeError: no stdout at all
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        print(f"planctl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    corpus: Annotated[
        Path | None,
        typer.Option("--corpus", help="Corpus folder (default: $PLANCTL_CORPUS, else the sample corpus shipped "
                     "with planctl). Plans given by path need none.", envvar="PLANCTL_CORPUS"),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Decode plan files given by path with this codec.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no notes on stderr.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="A corpus file that cannot be read is an error, not a warning.")
    ] = False,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Read links in the corpus folder that lead out of it.")
    ] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run alignments on this Dask cluster (tcp://HOST:8786) instead "
                                 "of worker processes here.", envvar="PLANCTL_SCHEDULER"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn Chinese government plans (规划) and notices into structure you can compare, search and export.

    --corpus, --encoding, --quiet, --debug, --strict, --follow-links and --scheduler may also follow the command.
    """
    _state["env"] = Environment(debug=debug, quiet=quiet, corpus=corpus, corpus_given=corpus is not None)
    _state["strict"] = strict
    _state["encoding"] = encoding
    _state["follow_links"] = follow_links
    _state["scheduler"] = scheduler
    _state["engine"] = None


def _corpus(refs: Sequence[str] | None = None, *, statistics: bool = False) -> Any:
    """The corpus, lazily: metadata first, trees when a command asks (Corpus.ensure_trees). When
    every plan the command names is a file given by path, none is read; unless the command
    weighs words by a corpus (``statistics``: diff) and the user named one."""
    from planctl.corpus import Corpus, load_corpus, path_reference

    env = _env()
    needed = statistics and env.corpus_given
    if refs and not needed and all(path_reference(r.strip()) for r in refs):
        return Corpus(env=env)
    return load_corpus(env.corpus, lazy=True, env=env, strict=_state["strict"], follow_links=_state["follow_links"])


def _encoding(given: str | None) -> str | None:
    """A command's --encoding, else the global one."""
    return given or _state["encoding"]


def _workspace(refs: Sequence[str] | None = None, *, statistics: bool = False) -> Any:
    """The corpus with its caches, statistics and executor (what diff, compare and eval ask),
    judging pairs with the user's own calibration of this corpus when there is one (see
    :func:`_corpus` for ``refs`` and ``statistics``)."""
    from planctl.engine import Engine
    from planctl.workspace import Workspace, user_calibration

    corpus = _corpus(refs, statistics=statistics)
    mine = user_calibration(corpus, _env())
    engine = _state["engine"] = Engine(_env(), scheduler=_state["scheduler"])
    return Workspace(corpus, calibration=mine, engine=engine) if mine is not None else Workspace(corpus, engine=engine)


def _check_format(view: str, fmt: str) -> None:
    from planctl.render import formats

    if fmt not in formats(view):
        raise PlanctlError(f"unknown format '{fmt}'; choose from: {', '.join(formats(view))}")


def _render(view: str, fmt: str, data: Any, stream: TextIO | None = None) -> None:
    """Draw ``data``; a reader that has gone (``| head -1``) ends the drawing, not the command,
    whose exit status stays what it would be without the pipe. Output that cannot be written (a
    full disk, a closed stdout) is an error."""
    from planctl.render import render

    out = stream or _env().stdout
    try:
        render(view, fmt, data, out)
        out.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as exc:
        if out is not _env().stdout:
            raise  # a file: _output says which
        _silence_stdout()  # what is still buffered must not fail again at exit
        raise PlanctlError(f"cannot write to standard output: {exc.strerror or exc}") from None


@contextmanager
def _output(path: Path | None, what: str = "") -> Iterator[TextIO]:
    """stdout, or the file ``path``, written whole or not at all (:func:`replacing`); a file
    written is said on stderr (``what`` it holds), since nothing else shows it."""
    if path is None:
        yield _env().stdout
        return
    from planctl.env import replacing

    with replacing(path) as stream:
        yield stream
    if what:
        _env().note(f"wrote {what} to {path}")


GLOBALS_HELP = ("Global options, before or after the command: --corpus DIR, --encoding CODEC, --quiet (-q), --debug, "
                "--strict, --follow-links, --scheduler ADDRESS (see planctl --help).")
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Decode plan files with this codec instead of auto-detecting.")
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")]


@app.command("list", epilog=GLOBALS_HELP)
@handles_errors
def list_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="rich (a table), json or markdown.")] = "rich",
) -> int:
    """List every document in the corpus: id, aliases, kind, title, region, date, size and the file
    it came from (PATH#N: the N-th document of that file).

    Example: planctl list --format json
    """
    _render("list", fmt, _corpus().documents)
    return ExitStatus.OK


@app.command("show", epilog=GLOBALS_HELP)
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
) -> int:
    """Show a plan's structure: chapters, sections, measures, 专栏 and tables.

    Example: planctl show wuwei --depth 2
    """
    from planctl.indicators import indicator_tables, warn_unread
    from planctl.render.show import ShowRequest

    docs = _corpus(plans).resolve_all(plans, encoding=_encoding(encoding))
    if not indicators:
        _render("show", fmt, ShowRequest(docs, everything=everything, depth=depth))
        return ExitStatus.OK
    tables = [t for d in docs for t in indicator_tables(d)]
    warn_unread(tables, _env().warn)
    if not tables:
        _env().note("no indicator table in " + ", ".join(d.id for d in docs))
        return ExitStatus.NO_MATCH
    _render("indicators", fmt, tables)
    return ExitStatus.OK


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
    article = "article"
    column = "column"
    indicator = "indicator"


@app.command("diff", epilog=GLOBALS_HELP)
@handles_errors
def diff_command(
    left: Annotated[str, typer.Argument(help="Plan id, alias (gansu, 甘肃), path or PATH#N.")],
    right: Annotated[str, typer.Argument(help="The plan to compare it with.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="rich (side by side), markdown, json, csv or html.")
    ] = "rich",
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
    output: OutputOpt = None,
    encoding: EncodingOpt = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Say why each pair was made: features, shared words, related terms.")
    ] = False,
) -> int:
    """Compare two plans: which chapters, measures, 专栏 and indicators correspond, which differ,
    and what one plan has that the other lacks. Editions of one plan get a word-level diff.
    --format html writes a self-contained report to share.

    Example: planctl diff gansu qinghai --format html -o report.html

    Exit status 0 when there are no differences, 1 when there are, 2 on error.
    """
    _check_format("diff", fmt)
    ws = _workspace([left, right], statistics=True)
    a, b = ws.corpus.resolve_pair(left, right, encoding=_encoding(encoding))
    shown, differs = ws.diff(a, b, mode=mode.value if mode else None, kinds=[k.value for k in kind or []],
                             only=only.value if only else None, threshold=threshold)
    shown.explain = explain
    with _output(output, f"the {fmt} diff of {a.id} and {b.id}") as stream:
        _render("diff", fmt, shown, stream)
    return ExitStatus.NO_MATCH if differs else ExitStatus.OK


class CompareTable(str, Enum):
    similarity = "similarity"
    indicators = "indicators"
    clusters = "clusters"


@app.command("compare", epilog=GLOBALS_HELP)
@handles_errors
def compare_command(
    plans: Annotated[list[str] | None, typer.Argument(help="Plans (ids, aliases, files); default: a --topic.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Every plan of this topic (see `planctl list`).")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Only province, city, county or national.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region and those under it.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="rich, markdown, json, csv or html.")] = "rich",
    table: Annotated[CompareTable, typer.Option("--table", help="The table a CSV holds.")] = CompareTable.similarity,
    output: OutputOpt = None,
) -> int:
    """Compare many plans: how alike each two are, their indicator targets side by side, and the
    measures they share (clusters, most shared first).

    Example: planctl compare --topic employment --format html -o compare.html
    """
    from planctl.render.compare import CompareView

    _check_format("compare", fmt)
    ws = _workspace()
    chosen = ws.plans_for(plans or [], topic=topic, level=level, region=region)
    with _output(output, f"the {fmt} comparison of {len(chosen)} plans") as stream:
        _render("compare", fmt, CompareView(ws.compare_plans(chosen), table.value), stream)
    return ExitStatus.OK


@app.command("trace", epilog=GLOBALS_HELP)
@handles_errors
def trace_command(
    source: Annotated[str, typer.Argument(help="The plan whose measures to follow: id, alias, path or PATH#N.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="rich, json, csv, graphml or html.")] = "rich",
    output: OutputOpt = None,
    encoding: EncodingOpt = None,
) -> int:
    """Follow a plan's measures across the corpus: for each measure, the documents on its subject
    that took it up (same, adapted or related, with confidence as in diff), with their region,
    level and date, in date order; per document the share of the plan it took up; for a shared
    passage its earliest dated appearance.

    Example: planctl trace gansu-employment --format html -o trace.html

    Exit status 0 when some document took up a measure, 1 when none did, 2 on error.
    """
    _check_format("trace", fmt)
    ws = _workspace()
    result = ws.trace(ws.corpus.resolve(source, encoding=_encoding(encoding)))
    with _output(output, f"the {fmt} trace of {result.source.id}") as stream:
        _render("trace", fmt, result, stream)
    return ExitStatus.OK if result.documents else ExitStatus.NO_MATCH


class GoldSplit(str, Enum):
    dev = "dev"
    test = "test"
    all = "all"


@app.command("eval", epilog=GLOBALS_HELP)
@handles_errors
def eval_command(
    gold: Annotated[list[Path], typer.Argument(help="Gold files (tab-separated pairs, see README).")],
    split: Annotated[
        GoldSplit, typer.Option("--split", help="Score the dev pairs, the test pairs or all.")
    ] = GoldSplit.all,
    fmt: Annotated[str, typer.Option("--format", "-f", help="rich, json or markdown.")] = "rich",
    encoding: EncodingOpt = None,
) -> int:
    """Score planctl's matcher against pairs you labelled: precision, recall and F1 per kind,
    and the pairs it missed or got wrong.

    Example: planctl eval tests/gold/qinghai-gansu.tsv --split test

    Exit status 0 when every gold pair was found and no pair contradicts the gold, 1 otherwise.
    """
    _check_format("eval", fmt)
    results = _workspace().evaluate_all(gold, split.value, encoding=_encoding(encoding))
    _render("eval", fmt, results)
    return ExitStatus.NO_MATCH if any(r.misses for r in results) else ExitStatus.OK


@app.command("calibrate", epilog=GLOBALS_HELP)
@handles_errors
def calibrate_command(
    gold: Annotated[list[Path] | None, typer.Argument(help="Gold files of pairs you judged (see README).")] = None,
    split: Annotated[
        GoldSplit, typer.Option("--split", help="Calibrate on the dev pairs, the test pairs or all.")
    ] = GoldSplit.all,
    reset: Annotated[bool, typer.Option("--reset", help="Forget your calibration: the shipped one applies.")] = False,
    encoding: EncodingOpt = None,
) -> int:
    """Refine how sure planctl is of a pair on pairs you judged (a gold file, such as the one a
    diff report downloads): kept for this corpus, used by diff, compare and eval.

    Example: planctl calibrate judged/gansu--qinghai.tsv

    Each run fits on the gold files it is given (replacing an earlier fit); planctl eval then shows
    each score with the shipped calibration and with yours.
    """
    from planctl.workspace import CalibrationResult, Workspace, forget_user_calibration, save_user_calibration

    ws = Workspace(_corpus())
    if reset:
        removed = forget_user_calibration(ws.corpus)
        _env().note(f"removed {removed}" if removed else "no calibration of yours for this corpus")
        return ExitStatus.OK
    if not gold:
        raise PlanctlError("name the gold files to calibrate on (or --reset)")
    calibration = ws.calibrate(gold, split.value, encoding=_encoding(encoding))
    path = save_user_calibration(ws.corpus, calibration, gold)
    _render("calibration", "text", CalibrationResult(calibration, shipped=ws.calibration, path=path))
    return ExitStatus.OK


@app.command("index", epilog=GLOBALS_HELP)
@handles_errors
def index_command() -> int:
    """Rebuild the search index of the corpus now and report what it holds.

    Example: planctl index
    """
    from planctl.search import index

    _render("index", "text", index(_env().corpus, env=_env(), strict=_state["strict"],
                                   follow_links=_state["follow_links"]))
    return ExitStatus.OK


class SearchFormat(str, Enum):
    grep = "grep"
    vimgrep = "vimgrep"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


@app.command("search", context_settings={"ignore_unknown_options": True}, epilog=GLOBALS_HELP)
@handles_errors
def search_command(
    query: Annotated[
        list[str] | None,
        typer.Argument(help='Words (all must match), A OR B, -word to exclude, "exact phrase"; none with --dept.'),
    ] = None,
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
    dept: Annotated[
        list[str] | None, typer.Option("--dept", help="Only measures this department is responsible for: 人社厅, "
                                       "省发展改革委 … (any of its names; repeatable).")
    ] = None,
    fmt: Annotated[SearchFormat, typer.Option("--format", "-f", help="grep (file:line: plan path text), vimgrep "
                                              "(file:line:column: for editors), json, jsonl or csv.")] = (
        SearchFormat.grep
    ),
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many hits.")] = None,
    count: Annotated[bool, typer.Option("--count", "-c", help="Count hits per plan.")] = False,
    plans_only: Annotated[bool, typer.Option("-l", "--files-with-matches", help="Only the plans with hits.")] = False,
    context: Annotated[int, typer.Option("-C", "--context", min=0, help="Sentences of context around a hit.")] = 0,
    encoding: EncodingOpt = None,
) -> int:
    """Find measures (and every other node) containing the query, ranked, with plan, path and line.

    Example: planctl search 零工市场

    Finds every node grep would find. A word starting with '-' is excluded (search -扩岗 稳岗, or
    after --). Exit status 0 when something is found, 1 when nothing is, 2 on error.
    """
    from planctl.render.search import SearchView
    from planctl.search import SearchRequest, run

    request = SearchRequest(" ".join(query or []), plans=list(plan or []), region=region or "", level=level or "",
                            kinds=list(kind or []), within=within or "", any_term=any_term, expand=expand,
                            limit=limit, context=context, encoding=_encoding(encoding), departments=list(dept or []))
    result = run(request, root=_env().corpus, env=_env(), strict=_state["strict"], follow_links=_state["follow_links"])
    view = "count" if count else ("plans" if plans_only else fmt.value)
    _render("search", view, SearchView(result, color=fmt == SearchFormat.grep and _env().stdout_color,
                                       departments=bool(dept)))
    return ExitStatus.OK if result.hits else ExitStatus.NO_MATCH


@app.command("doctor", epilog=GLOBALS_HELP)
@handles_errors
def doctor_command(
    folder: Annotated[Path | None, typer.Argument(help="A folder of plan files, or one file (default: the corpus).")]
    = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text (a report to read) or json.")] = "text",
) -> int:
    """What to run first on a folder: each file's format and encoding, the documents found in it
    (kinds, titles, chapters), anything that looks wrong (unreadable files, damaged bytes, tiny
    documents, titles like page headers, plans without chapters, the same file twice) and what
    to do about it.

    Example: planctl doctor ~/plans

    Exit status 0 when nothing needs a look, 1 when something does, 2 on error.
    """
    from planctl.corpus.doctor import examine

    _check_format("doctor", fmt)
    checkup = examine(folder, _env())
    _render("doctor", fmt, checkup)
    return ExitStatus.NO_MATCH if checkup.needs_look else ExitStatus.OK


class ExportWhat(str, Enum):
    indicators = "indicators"
    measures = "measures"
    outline = "outline"


@app.command("export", epilog=GLOBALS_HELP)
@handles_errors
def export_command(
    what: Annotated[ExportWhat, typer.Argument(help="indicators, measures or outline.")],
    plans: Annotated[
        list[str] | None, typer.Argument(help="Plans (id, alias, path, PATH#N); none means the whole corpus.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, json, jsonl or markdown.")] = "csv",
    output: OutputOpt = None,
    excel: Annotated[bool, typer.Option("--excel", help="CSV with a UTF-8 BOM, for Excel on Chinese Windows.")] = False,
    encoding: EncodingOpt = None,
) -> int:
    """Export indicators, measures or the outline as tidy rows (CSV by default).

    Example: planctl export indicators gansu-employment-2021 --format csv -o gansu.csv

    Exit status 1 when the selection holds no rows (e.g. no indicator table).
    """
    from planctl.export import export_rows
    from planctl.render.rows import RowsRequest

    _check_format("rows", fmt)
    docs = _corpus(plans).resolve_all(plans or [], encoding=_encoding(encoding), main_only=True)
    rows, columns = export_rows(what.value, docs, warn=_env().warn)
    if not rows:
        _env().note(f"no {what.value} in " + ", ".join(d.id for d in docs))
        return ExitStatus.NO_MATCH
    with _output(output) as stream:
        _render("rows", fmt, RowsRequest(rows=rows, columns=columns, excel=excel), stream)
    if output is not None:
        _env().note(f"wrote {len(rows)} {what.value} rows to {output}")
    return ExitStatus.OK


def main() -> None:
    """Console entry point: Ctrl-C exits 130 and a closed pipe exits quietly."""
    _hold_standard_descriptors()
    try:
        app(prog_name="planctl")
    except KeyboardInterrupt:
        print("planctl: interrupted", file=sys.stderr)
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # `planctl list | head -1`: the reader left; say nothing.
        _silence_stdout()
        sys.exit(ExitStatus.OK)


def _hold_standard_descriptors() -> None:
    """Started with stdin, stdout or stderr closed (``planctl list >&-``), a process would hand
    that descriptor number to the next file it opens (a cache entry), and anything written to
    "stdout" would land there. Hold each closed one with /dev/null; writing data to a closed
    stdout is still an error (:class:`planctl.env.ClosedStream`)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)


if __name__ == "__main__":  # pragma: no cover
    main()

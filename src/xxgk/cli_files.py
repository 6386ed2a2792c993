"""``xxgk parse``, ``xxgk check`` and ``xxgk ingest``: the commands over report files.

They live apart from the typer application (``xxgk.cli``) so that the command
users run most starts fast: :func:`fast_main` reads their options with the
standard library and never imports typer (nor pydantic, which typer pulls in);
rich is imported only to print.  Anything it does not understand — ``--help``,
a misspelt option — goes to the typer application, which prints the usual
help and messages.  Both faces call :func:`run_parse` / :func:`run_check` /
:func:`run_ingest` (ingest starts its workers before typer would have finished loading).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def tr(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders are walked recursively (hidden files skipped).  A symbolic link
    in a folder that leads nowhere (a loop, a missing target) is kept, so that reading it
    reports why — it is never skipped silently."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            n = len(p.parts)  # the found paths start with p's parts: what follows is the path inside the folder
            found = [
                q
                for q in p.rglob("*")
                if not any(part.startswith(".") for part in q.parts[n:]) and (q.is_file() or (q.is_symlink() and not q.exists()))
            ]
            # in Path order; on POSIX that is the order of the parts (compared once each, not Path by Path)
            files.extend(sorted(found, key=_parts) if os.name == "posix" else sorted(found))
        else:
            files.append(p)
    return files


def _parts(q: Path) -> tuple[str, ...]:
    return q.parts


class _Consoles:
    """stdout / stderr rich consoles, made on first use (rich costs start-up time)."""

    _out = None
    _err = None

    @property
    def out(self):
        if self._out is None:
            from rich.console import Console

            self._out = Console(highlight=False, soft_wrap=True)
        return self._out

    @property
    def err(self):
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._err


def _colour_terminal() -> bool:
    """Whether stdout may take colours (a terminal, or FORCE_COLOR / TTY_COMPATIBLE say so, as rich
    decides)."""
    env = os.environ
    if env.get("TTY_COMPATIBLE") in ("0", "1"):
        return env["TTY_COMPATIBLE"] == "1"
    if env.get("FORCE_COLOR") is not None:
        return env["FORCE_COLOR"] != ""
    try:
        return sys.stdout.isatty()
    except (ValueError, AttributeError):
        return False


def say(console, word: str, style: str, msg: str) -> None:
    """``word`` in colour, then ``msg`` printed literally (a path may hold ``[`` or ``]``: never markup)."""
    from rich.text import Text

    console.print(Text.assemble((word, style), " ", msg), highlight=False)


def report_error(e, lang: str, err=None) -> None:
    """One line naming the file and the cause (a ReadError), on stderr."""
    say(err or _Consoles().err, tr(lang, "错误", "error"), "red", e.message(lang))


def run_parse(
    files: list[Path],
    format: str = "text",
    lang: str = "zh",
    jobs: int | None = None,
    out=None,
    err=None,
    provenance: bool = False,
    seconds: float = 60.0,
    memory_mb: int = 1024,
) -> int:
    """Print every file's record (official tables, or JSON lines); the exit status."""
    from .batch import parse_files
    from .read.errors import ReadError

    cons = _Consoles()
    failed = 0
    as_json = format == "json"
    if as_json:  # the workers encode the records; the lines go out as bytes, as they come
        sys.stdout.flush()
        raw = getattr(sys.stdout, "buffer", None)
    for _, rec in parse_files(expand_paths(files), jobs=jobs, seconds=seconds, memory_mb=memory_mb, as_json=as_json, provenance=provenance):
        if isinstance(rec, ReadError):
            report_error(rec, lang, err or cons.err)
            failed += 1
            continue
        if as_json:
            if raw is not None:
                raw.write(rec + b"\n")
                raw.flush()
            else:
                sys.stdout.write(rec.decode("utf-8") + "\n")
                sys.stdout.flush()
        elif out is None and (sys.platform != "win32" or not _colour_terminal()):
            from .render.console import write_record

            # the same characters and colour codes as rich, without importing it (rich stays for a Windows console)
            colours = _colour_terminal() and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")
            write_record(sys.stdout, rec, lang, colours=colours, no_color=bool(os.environ.get("NO_COLOR")))
            sys.stdout.flush()
        else:
            from .render.console import print_record

            print_record(out or cons.out, rec, lang)
    return 2 if failed else 0


def rule_list(values: list[str] | None) -> list[str]:
    """``--select XG3 --select XG201`` or ``--select XG3,XG201``."""
    return [x.strip().upper() for v in values or [] for x in v.split(",") if x.strip()]


def run_check(
    files: list[Path],
    format: str = "text",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    previous: Path | None = None,
    lang: str = "zh",
    jobs: int | None = None,
    out=None,
    err=None,
    seconds: float = 60.0,
    memory_mb: int = 1024,
) -> int:
    """Check every file like a linter; the exit status (0 clean, 1 errors found, 2 a file failed)."""
    from .batch import CheckOptions, parse_files
    from .check import RULES, summary
    from .check.output import csv_header, csv_rows, json_line, print_text, summary_line
    from .check.registry import matches
    from .read.errors import ReadError

    cons = _Consoles()
    out = out or cons.out
    err = err or cons.err
    if format not in ("text", "json", "csv"):
        say(err, tr(lang, "错误", "error"), "red", tr(lang, f"未知的输出格式：{format}（可选 text、json、csv）", f"unknown format: {format} (text, json or csv)"))
        return 2
    sel, ign = rule_list(select), rule_list(ignore)
    unknown = [p for p in sel + ign if not any(matches(r, [p]) for r in RULES)]
    if unknown:
        say(err, tr(lang, "错误", "error"), "red", tr(lang, f"没有这样的规则：{'、'.join(unknown)}（xxgk rules 列出全部规则）", f"no such rule: {', '.join(unknown)} (see xxgk rules)"))
        return 2
    prev_rec = None
    if previous is not None:
        ((_, prev_rec),) = parse_files([previous], seconds=seconds, memory_mb=memory_mb)
        if isinstance(prev_rec, ReadError):
            report_error(prev_rec, lang, err)
            return 2
    checked = failed = 0
    totals = {"error": 0, "warning": 0, "info": 0}
    if format == "csv":
        sys.stdout.write(csv_header())
    opts = CheckOptions(select=sel or None, ignore=ign or None, previous=prev_rec)
    paths = expand_paths(files)
    with _check_progress(len(paths), lang) as advance:
        for path, rec in parse_files(paths, jobs=jobs, check=opts, seconds=seconds, memory_mb=memory_mb):
            advance(Path(path))
            if isinstance(rec, ReadError):
                report_error(rec, lang, err)
                failed += 1
                continue
            findings = rec.findings
            checked += 1
            for k, v in summary(findings).items():
                totals[k] += v
            if format == "json":
                sys.stdout.write(json_line(rec) + "\n")
            elif format == "csv":
                sys.stdout.write(csv_rows(rec.source.path, findings, lang))
            else:
                print_text(out, rec.source.path, findings, lang, record=rec)  # named by agency and year, cascades grouped
            sys.stdout.flush()
    if format == "text":
        out.print(summary_line(checked, totals, failed, lang), style="bold red" if totals["error"] else "bold green")
    return 2 if failed else 1 if totals["error"] else 0


class _check_progress:
    """A progress bar on stderr for a long check (several files, an interactive terminal)."""

    def __init__(self, total: int, lang: str):
        self.total, self.lang = total, lang
        self.prog = None

    def __enter__(self):
        from rich.console import Console

        console = Console(stderr=True, highlight=False)  # made now: FORCE_COLOR / a terminal decide
        if self.total > 1 and console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.prog = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[name]}"), console=console, transient=True)
            self.prog.start()
            self.task = self.prog.add_task(tr(self.lang, "检查", "checking"), total=self.total, name="")
        self.seen = 0
        return self.advance

    def advance(self, path: Path) -> None:
        self.seen += 1
        if self.prog is not None:
            self.prog.update(self.task, completed=self.seen, name=path.name)

    def __exit__(self, *exc):
        if self.prog is not None:
            self.prog.update(self.task, completed=self.total)
            self.prog.stop()
        return False


# ------------------------------------------------------------------ the store: opening it, ingest


LOCK_WAIT_SECONDS = 3600.0  # how long a reading command waits for a running ingest

_open: list = []  # the connection of the running command (closed when the next one opens, as under a test runner)


class StoreUnavailable(Exception):
    """The store cannot be opened; one line saying why was printed (the command exits with status 2)."""


def open_store(db: Path, lang: str, read_only: bool = False, config: dict | None = None, err=None):
    """The store, or one line saying why not (:class:`StoreUnavailable`).  While another process
    (an ingest) holds the database, a reading command waits with a message instead of failing on the lock."""
    import time

    import duckdb

    from .store import connect

    err = err or _Consoles().err
    close_store()
    waited = False
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            con = connect(db, read_only=read_only, config=config)
            _open.append(con)
            if waited:
                say(err, tr(lang, "继续", "resuming"), "green", tr(lang, "入库已结束，继续。", "the ingest has finished; going on."))
            return con
        except FileNotFoundError:
            _say_error(err, lang, f"{db}：{tr(lang, '数据库不存在，请先运行 xxgk ingest', 'no such database; run xxgk ingest first')}")
        except (duckdb.Error, RuntimeError) as e:
            if _locked(e):
                _desk_holds(db, lang, err)  # the review desk holds it: say so at once (it does not end like an ingest)
            if _locked(e) and time.monotonic() < deadline:
                if not waited:
                    say(err, tr(lang, "等待", "waiting"), "yellow", tr(lang, f"{db}：入库进行中，等待…（Ctrl-C 取消）", f"{db}: an ingest is running, waiting… (Ctrl-C to cancel)"))
                    waited = True
                time.sleep(0.5)
                continue
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            if _locked(e):
                first = tr(lang, "另一个进程一直占用数据库", "another process keeps the database locked")
            _say_error(err, lang, f"{db}：{tr(lang, '无法打开数据库', 'cannot open the database')}（{first}）")
        raise StoreUnavailable(str(db))


def close_store() -> None:
    """Close the connection the last command opened (a test runner runs many commands in one process)."""
    import duckdb

    while _open:
        try:
            _open.pop().close()
        except duckdb.Error:
            pass


def _say_error(err, lang: str, msg: str) -> None:
    say(err, tr(lang, "错误", "error"), "red", msg)


def _desk_holds(db: Path, lang: str, err) -> None:
    """One line and :class:`StoreUnavailable` when `xxgk serve` holds the store (its note beside the file says so)."""
    from .store.holder import holder

    desk = holder(db)
    if desk is not None:
        _say_error(
            err,
            lang,
            f"{db}："
            + tr(lang, f"数据库正由审阅台使用（xxgk serve，进程 {desk['pid']}，{desk.get('url', '')}）；请在审阅台网页中操作，或关闭审阅台后再运行本命令",
                 f"the review desk holds this database (xxgk serve, process {desk['pid']}, {desk.get('url', '')}); use the desk in a browser, or stop it first"),
        )
        raise StoreUnavailable(str(db))


def _locked(e: Exception) -> bool:
    """The error DuckDB gives while another process holds the database file."""
    text = str(e).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def ingest_progress(err):
    """The ingest's progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def run_ingest(
    paths: list[Path],
    db: Path = Path("xxgk.duckdb"),
    jobs: int = 2,
    cluster: str | None = None,
    seconds: float = 60.0,
    memory_mb: int = 1024,
    lang: str = "zh",
    out=None,
    err=None,
) -> int:
    """``xxgk ingest``: parse, check and store the files (resumable); the exit status
    (0, 2 when a file failed or the store cannot be used, 130 when interrupted)."""
    import time

    from .workers import Budget

    cons = _Consoles()
    out, err = out or cons.out, err or cons.err
    budget = Budget(seconds, memory_mb)
    files = expand_paths(paths)
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    for p in missing:
        _say_error(err, lang, f"{p}：{tr(lang, '文件不存在', 'no such file')}")
    files = [f for f in files if f.exists() or f.is_symlink()]  # a link that leads nowhere is recorded as failed, with why
    executor = None
    if cluster:
        from .store.cluster import ClusterError, DaskPool

        try:
            executor = DaskPool(cluster)
        except ClusterError as e:
            _say_error(err, lang, f"{cluster}：{tr(lang, '无法连接 Dask 集群', 'cannot reach the Dask cluster')}（{e}）")
            return 2
    elif files and not db.exists():  # a new store: every file is parsed, so the workers start while the store is made
        from .store.ingest import LocalPool

        executor = LocalPool(jobs, budget)
        executor.plan([str(f) for f in files])
        executor.start()
    try:
        con = open_store(db, lang, err=err)
    except StoreUnavailable:
        if executor is not None:
            executor.close(cancel=True)
        return 2
    except BaseException:
        if executor is not None:
            executor.close(cancel=True)
        raise
    from .store.ingest import close_after, ingest

    started = time.monotonic()
    with ingest_progress(err) as prog:
        task = prog.add_task(tr(lang, "入库", "ingest"), total=len(files), rate="")

        def on_progress(done: int, total: int) -> None:
            dt = max(time.monotonic() - started, 1e-6)
            prog.update(task, completed=done, rate=f"{done / dt:.0f} {tr(lang, '份/秒', 'files/s')}")

        try:
            res = ingest(con, files, jobs=jobs, progress=on_progress, executor=executor, budget=budget)
        except RuntimeError as e:  # the workers cannot run, or the cluster went away: what was committed stays
            con.close()
            _say_error(err, lang, f"{e}；{tr(lang, '已提交的结果已保存，重新运行同一命令即可继续', 'what was committed is kept; run the same command again to resume')}")
            return 2
    close_after(con)
    print_ingest_result(res, lang, out, err)
    if res.interrupted:
        return 130
    return 2 if (res.failed or missing) else 0


def print_ingest_result(res, lang: str, out, err) -> None:
    for path, zh, en in res.failed[:50]:
        say(err, tr(lang, "失败", "failed"), "red", en if lang == "en" else zh)
    if len(res.failed) > 50:
        err.print(tr(lang, f"……另有 {len(res.failed) - 50} 份失败，见 reports 表的 error 列", f"… {len(res.failed) - 50} more; see column error of table reports"))
    rate = (res.ingested + len(res.failed)) / res.seconds if res.seconds else 0
    out.print(
        tr(
            lang,
            f"入库 {res.ingested} 份，重复跳过 {res.duplicates} 份，失败 {len(res.failed)} 份（{res.seconds:.1f} 秒，{rate:.0f} 份/秒）",
            f"ingested {res.ingested}, skipped as duplicates {res.duplicates}, failed {len(res.failed)} ({res.seconds:.1f} s, {rate:.0f} files/s)",
        )
    )
    if res.copies or res.superseded:
        out.print(
            tr(
                lang,
                f"同一报告的其他形式 {res.copies} 份（如网页与其文本、PDF 与扫描件），只计一次；被更正版取代的旧版 {res.superseded} 份，只计新版（xxgk agencies 列出）",
                f"{res.copies} copies of a stored report in another form (counted once); {res.superseded} earlier versions replaced by a corrected one (the later counts; see xxgk agencies)",
            ),
            style="yellow",
        )
    sev = res.severities
    names = {"error": ("错误", "errors"), "warning": ("警告", "warnings"), "info": ("提示", "info")}
    parts = [f"{names[k][0] if lang != 'en' else names[k][1]} {sev.get(k, 0)}" for k in ("error", "warning", "info")]
    out.print(tr(lang, "检查发现：", "findings: ") + ("，" if lang != "en" else ", ").join(parts))
    if res.unchecked:
        out.print(tr(lang, f"检查器尚不可用：{res.unchecked} 份报告待检查（检查器可用后重新运行 ingest 即补查）", f"no checker yet: {res.unchecked} reports wait to be checked (re-run ingest once it is available)"), style="yellow")
    if res.cross_checked:
        out.print(tr(lang, f"跨年度比对 {res.cross_checked} 对", f"cross-year comparisons: {res.cross_checked}"))
    if res.cross_pending:
        out.print(tr(lang, f"{res.cross_pending} 对跨年度比对待检查器可用后进行", f"{res.cross_pending} cross-year comparisons wait for the checker"), style="yellow")
    if res.interrupted:
        err.print(tr(lang, "已中断：已提交的结果已保存，重新运行同一命令即可继续。", "interrupted: what was committed is kept; run the same command again to resume."), style="yellow")


# ------------------------------------------------------------------ the fast face


class _Unsure(Exception):
    """The fast face does not understand the command line: the typer application takes it."""


def _parser(command: str):
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):  # never print or exit here: typer says it properly
            raise _Unsure(message)

    # never prints help (typer does): a fixed width spares argparse shutil's terminal size (and its imports)
    ap = Parser(prog=f"xxgk {command}", add_help=False, allow_abbrev=False, formatter_class=lambda prog: argparse.HelpFormatter(prog, width=80))
    ap.add_argument("files", nargs="+", type=Path)
    if command == "ingest":
        ap.add_argument("--db", type=Path, default=Path("xxgk.duckdb"))
        ap.add_argument("--jobs", "-j", type=int, default=2)
        ap.add_argument("--cluster", default=None)
        ap.add_argument("--time-limit", type=float, default=60.0)
        ap.add_argument("--memory-limit", type=int, default=1024)
        ap.add_argument("--lang", default="zh")
        return ap
    ap.add_argument("--format", "-f", default="text")
    ap.add_argument("--lang", default="zh")
    ap.add_argument("--jobs", "-j", type=int, default=None)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--memory-limit", type=int, default=1024)
    if command == "parse":
        ap.add_argument("--provenance", action="store_true")
    if command == "check":
        ap.add_argument("--select", action="append")
        ap.add_argument("--ignore", action="append")
        ap.add_argument("--previous", type=Path)
    return ap


def fast_main(argv: list[str]) -> int | None:
    """The exit status of ``xxgk parse|check|ingest …`` run without typer, or None to hand it to typer."""
    if not argv or argv[0] not in ("parse", "check", "ingest") or any(a in ("--help", "-h") or a.startswith("--help") for a in argv[1:]):
        return None
    try:
        ns = _parser(argv[0]).parse_intermixed_args(argv[1:])
    except _Unsure:
        return None
    try:
        if argv[0] == "ingest":
            return run_ingest(ns.files, ns.db, ns.jobs, ns.cluster, seconds=ns.time_limit, memory_mb=ns.memory_limit, lang=ns.lang)
        if argv[0] == "parse":
            return run_parse(ns.files, ns.format, ns.lang, ns.jobs, provenance=ns.provenance, seconds=ns.time_limit, memory_mb=ns.memory_limit)
        return run_check(ns.files, ns.format, ns.select, ns.ignore, ns.previous, ns.lang, ns.jobs, seconds=ns.time_limit, memory_mb=ns.memory_limit)
    except KeyboardInterrupt:  # Ctrl-C outside a batch (e.g. waiting for a store): as the typer face says it, never a traceback
        err = _Consoles().err
        err.print()
        err.print("Aborted.", style="red", highlight=False)
        return 1


def main() -> None:
    """The ``xxgk`` console script: parse/check start fast; every other command goes to typer."""
    code = fast_main(sys.argv[1:])
    if code is None:
        from .cli import app

        app()
        return
    sys.exit(code)

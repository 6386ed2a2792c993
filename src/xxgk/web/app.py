"""The review desk: a Starlette application over the store.

Every page is a thin face over the library the CLI uses: the list is
:func:`xxgk.store.reports.list_reports` (``xxgk reports``), the dashboard
:func:`xxgk.store.summary.summarise` (``xxgk summary``), the tables
:func:`xxgk.render.grids.official_grid` (``xxgk render``), the exports
:mod:`xxgk.store.export` and :mod:`xxgk.store.summary_out` (``xxgk export``,
``xxgk summary --format xlsx``), uploads :func:`xxgk.store.ingest.ingest`
(``xxgk ingest``).  No number is queried here a second time.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..layouts import LAYOUT_2021
from ..check.output import SEVERITY_ZH
from ..render.compare import cell_label, compare_records
from ..render.grids import has_table, official_grid
from ..render.report import choose_layout
from ..store.reports import (
    SORTS,
    STATUSES,
    ReportFilter,
    agency_years,
    choices,
    failed_files,
    find_report,
    list_reports,
    previous_report,
    report_findings,
    report_ids,
    report_row,
    set_status,
)
from ..store.records import record_from_store
from ..store.summary import BY, RATES, summarise, t3_shape, t4_shape
from .desk import Desk
from .source import explain, page_png, source_view
from .uploads import MiB, Refused, is_zip, store_bytes, unpack_zip

HERE = Path(__file__).resolve().parent
PER_PAGE = 50


def plotly_js() -> Path | None:
    """The chart library's browser bundle, as shipped inside the pinned ``plotly`` wheel."""
    try:
        import plotly

        p = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        return p if p.exists() else None
    except ImportError:
        return None


def qs(params: dict, **changes) -> str:
    """A query string of ``params`` with ``changes`` (None or '' drops a key)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def fmt_num(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".") if not v.is_integer() else f"{int(v):,}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def create_app(desk: Desk) -> Starlette:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals.update(qs=qs, fmt_num=fmt_num, pct=pct, SEVERITY_ZH=SEVERITY_ZH, STATUSES=STATUSES, cell_label=cell_label)

    def page(request: Request, name: str, status_code: int = 200, **ctx) -> Response:
        ctx.setdefault("active", name.removesuffix(".html"))
        return templates.TemplateResponse(request, name, ctx, status_code=status_code)

    def problem(request: Request, message: str, status_code: int = 400) -> Response:
        return page(request, "problem.html", status_code=status_code, message=message, active="")

    def int_param(request: Request, name: str, default: int | None = None) -> int | None:
        v = request.query_params.get(name)
        try:
            return int(v) if v not in (None, "") else default
        except ValueError:
            return default

    # ------------------------------------------------------------ 上传

    def upload_page(request: Request):
        job_id = int_param(request, "job")
        job = desk.job(job_id) if job_id else None
        with desk.cursor() as cur:
            failed = failed_files(cur, limit=50)
        return page(
            request, "upload.html", job=job.as_dict() if job else None,
            jobs=[j.as_dict() for j in desk.recent_jobs()], failed=failed, limits=desk.limits, MiB=MiB,
        )

    async def upload_post(request: Request):
        wants_json = "application/json" in request.headers.get("accept", "")
        names: list[str] = []
        files: list[Path] = []
        refused: list[tuple[str, str]] = []
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > desk.limits.max_archive_total + desk.limits.max_file:  # refused before a byte is spooled to disk
            msg = f"上传未接收：一次上传共 {length // MiB} MB，超过上限 {(desk.limits.max_archive_total + desk.limits.max_file) // MiB} MB，请分批上传"
            return JSONResponse({"error": msg}, status_code=413) if wants_json else problem(request, msg, 413)
        try:
            form = await request.form(max_files=100000, max_fields=1000)
        except Exception as e:
            msg = f"上传未能接收：{type(e).__name__}: {e}".splitlines()[0]
            return JSONResponse({"error": msg}, status_code=400) if wants_json else problem(request, msg)
        for item in form.getlist("files"):
            if isinstance(item, str) or not getattr(item, "filename", None):
                continue
            name = item.filename
            try:
                kept = await run_in_threadpool(
                    store_bytes, iter(lambda f=item.file: f.read(1 << 20), b""), name, desk.upload_dir, max(desk.limits.max_file, desk.limits.max_archive_total)
                )
            except Refused as e:
                refused.append((name, str(e)))
                continue
            finally:
                await item.close()
            with open(kept, "rb") as fh:
                head = fh.read(4)
            if is_zip(head) and name.lower().endswith(".zip"):
                try:
                    stored, bad = await run_in_threadpool(unpack_zip, kept, name, desk.upload_dir, desk.limits)
                except Refused as e:
                    refused.append((name, str(e)))
                    continue
                finally:
                    kept.unlink(missing_ok=True)  # its members are kept, not the archive
                names += [f"{name}/{n}" for n, _ in stored]
                files += [p for _, p in stored]
                refused += [(f"{name}/{n}", why) for n, why in bad]
            elif kept.stat().st_size > desk.limits.max_file:
                refused.append((name, f"{name}：文件超过大小上限（{desk.limits.max_file // MiB} MB），未接收"))
                kept.unlink(missing_ok=True)
            else:
                names.append(name)
                files.append(kept)
        if not files and not refused:
            msg = "没有收到文件：请选择或拖入年报文件（可多选，也可上传整批的 zip 压缩包）"
            return JSONResponse({"error": msg}, status_code=400) if wants_json else problem(request, msg)
        job = desk.submit(names, files, refused)
        if wants_json:
            return JSONResponse({"job": job.id, "url": f"/upload?job={job.id}"})
        return RedirectResponse(f"/upload?job={job.id}", status_code=303)

    def job_json(request: Request):
        job = desk.job(int(request.path_params["job_id"]))
        if job is None:
            return JSONResponse({"error": "没有这个上传任务"}, status_code=404)
        return JSONResponse(job.as_dict())

    # ------------------------------------------------------------ 报告

    def reports_page(request: Request):
        params = dict(request.query_params)
        f = ReportFilter.from_mapping(params)
        sort = params.get("sort", "id")
        sort_key = sort.lstrip("-")
        if sort_key not in SORTS:
            sort, sort_key = "id", "id"
        p = max(1, int_param(request, "page", 1) or 1)
        with desk.cursor() as cur:
            rows, total = list_reports(cur, f, sort=sort_key, descending=sort.startswith("-"), page=p, per_page=PER_PAGE)
            opts = choices(cur)
        pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
        keep = {**f.query(), "sort": sort if sort != "id" else None}
        return page(request, "reports.html", rows=rows, total=total, page_no=p, pages=pages, f=f, keep=keep, sort=sort, opts=opts, per_page=PER_PAGE)

    async def status_post(request: Request):
        form = await request.form()
        status = form.get("status")
        if status not in STATUSES:
            return problem(request, f"审阅状态应为 {'、'.join(STATUSES)}")
        back = form.get("back") or "/reports"
        if not back.startswith("/") or back.startswith("//"):  # only a page of the desk itself
            back = "/reports"

        def apply() -> int:
            with desk.cursor() as cur:
                if form.get("all_matching"):
                    ids = report_ids(cur, ReportFilter.from_mapping(json.loads(form.get("filter") or "{}")))
                else:
                    ids = [int(x) for x in form.getlist("id") if str(x).isdigit()]
                return set_status(cur, ids, status, form.get("note"))

        await run_in_threadpool(apply)
        desk.changed()
        return RedirectResponse(back, status_code=303)

    def report_page(request: Request):
        rid = int(request.path_params["report_id"])
        with desk.cursor() as cur:
            row = report_row(cur, rid)
            if row is None:
                return problem(request, f"没有编号为 {rid} 的报告（或该文件未能读取）", 404)
            rec = record_from_store(cur, rid)
            findings = report_findings(cur, rid)
            prev_id = previous_report(cur, rid)
            prev = record_from_store(cur, prev_id) if prev_id else None
            years = agency_years(cur, row["agency_id"]) if row["agency_id"] else []
        layout, _ = choose_layout(rec)
        marks: dict[str, dict] = {}
        for i, fd in enumerate(findings):
            for key in dict.fromkeys([*fd["where"], *([fd["culprit"]] if fd["culprit"] else [])]):
                m = marks.setdefault(key, {"severity": fd["severity"], "findings": [], "culprit": False})
                m["findings"].append(i)
                if fd["severity"] == "error":
                    m["severity"] = "error"
                if key == fd["culprit"]:
                    m["culprit"] = True
        tables = []
        if layout is not None:
            for tkey in ("t2", "t3", "t4"):
                if has_table(rec.cells, tkey):
                    t = layout.table(tkey)
                    tables.append({"key": tkey, "title": f"{t.number}　{t.title}", "grid": official_grid(layout, tkey, rec.cells, rec.raw)})
        changes = {}
        if prev is not None:
            for key, v in rec.cells.items():
                if key in prev.cells and prev.cells[key] != v:
                    changes[key] = prev.cells[key]
        unmarked_keys = [k for k in marks if k not in rec.cells]
        return page(
            request, "report.html", row=row, rec=rec, findings=findings, marks=marks, tables=tables, prev_id=prev_id, prev=prev,
            changes=changes, uncertain=set(rec.uncertain), years=years, template=rec.meta.template, other_marks=unmarked_keys, active="reports",
        )

    def stored_report(request: Request) -> dict | None:
        """The report the URL names (``/reports/{report_id}/…``), None when there is none."""
        with desk.cursor() as cur:
            return report_row(cur, int(request.path_params["report_id"]))

    def report_source(request: Request):
        row = stored_report(request)
        if row is None:
            return PlainTextResponse("没有这份报告", status_code=404)
        return page(request, "_source.html", view=source_view(row), row=row)

    def report_explain(request: Request):
        key = request.query_params.get("key", "")
        from ..layouts import all_cell_keys

        if key not in set(all_cell_keys()):
            return PlainTextResponse("未知的单元格", status_code=404)
        row = stored_report(request)
        if row is None:
            return PlainTextResponse("没有这份报告", status_code=404)
        return page(request, "_explain.html", exp=explain(row, key), key=key, row=row)

    def report_original(request: Request):
        row = stored_report(request)
        if row is None:
            return PlainTextResponse("没有这份报告", status_code=404)
        p = Path(row["source_path"])
        if not p.is_file():
            return problem(request, f"原始文件已不在原处：{p}", 404)
        name = p.name.split("-", 1)[1] if p.parent.parent == desk.upload_dir and "-" in p.name else p.name
        return FileResponse(p, filename=name)

    def report_page_png(request: Request):
        n = int(request.path_params["n"])
        row = stored_report(request)
        if row is None:
            return PlainTextResponse("没有这份报告", status_code=404)
        data = page_png(row["source_path"], n)
        if data is None:
            return PlainTextResponse("没有这一页", status_code=404)
        return Response(data, media_type="image/png", headers={"cache-control": "max-age=3600"})

    # ------------------------------------------------------------ 对比

    def compare_page(request: Request):
        params = dict(request.query_params)
        a, b = int_param(request, "a"), int_param(request, "b")
        note = None
        with desk.cursor() as cur:
            if (a is None or b is None) and params.get("agency"):
                from ..store.agencies import find_agency

                aid = find_agency(cur, params["agency"])
                y1, y2 = int_param(request, "year1"), int_param(request, "year2")
                if aid is None:
                    note = f"找不到机关：{params['agency']}"
                elif y1 and y2:
                    a, b = find_report(cur, aid, y1), find_report(cur, aid, y2)
                    if a is None or b is None:
                        note = f"该机关没有 {y1 if a is None else y2} 年度的报告"
            if (a is None or b is None) and params.get("agency_a") and params.get("agency_b") and int_param(request, "year"):
                from ..store.agencies import find_agency

                y = int_param(request, "year")
                ia, ib = find_agency(cur, params["agency_a"]), find_agency(cur, params["agency_b"])
                a = find_report(cur, ia, y) if ia else None
                b = find_report(cur, ib, y) if ib else None
                if a is None or b is None:
                    note = f"找不到{params['agency_a'] if a is None else params['agency_b']} {y} 年度的报告"
            ra = rb = None
            if a is not None and b is not None:
                ra, rb = report_row(cur, a), report_row(cur, b)
                if ra is None or rb is None:
                    note = "报告编号不存在"
                    ra = rb = None
                else:
                    reca, recb = record_from_store(cur, a), record_from_store(cur, b)
        if ra is None:
            return page(request, "compare.html", ra=None, note=note, params=params)
        cmp = compare_records(reca, recb)
        layout, _ = choose_layout(recb)
        tables = []
        if layout is not None:
            for tkey in ("t2", "t3", "t4"):
                if has_table(recb.cells, tkey) or has_table(reca.cells, tkey):
                    t = layout.table(tkey)
                    merged = {**reca.cells, **recb.cells}
                    tables.append({"key": tkey, "title": f"{t.number}　{t.title}", "grid": official_grid(layout, tkey, merged, recb.raw)})
        return page(request, "compare.html", ra=ra, rb=rb, reca=reca, recb=recb, cmp=cmp, tables=tables, note=note, params=params)

    # ------------------------------------------------------------ 看板

    # the chart's series: a row's total, named by the row's first key phrase in the layouts (本年新收, 予以公开, …)
    chart_keys = [(f"{t}.{r}.total", LAYOUT_2021.table(t).row(r).match_keys()[0]) for t, r in (("t3", "new"), ("t3", "granted"), ("t3", "partial"), ("t4", "review"), ("t4", "suit_direct"))]

    def dashboard_data(year: int | None, region: str | None, by: str) -> dict:
        """The dashboard's figures: ``xxgk summary`` for the year (grouped), and the chart's cells across years."""

        def compute() -> dict:
            with desk.cursor() as cur:
                opts = choices(cur)
                y = year if year is not None else (opts["years"][0] if opts["years"] else None)
                s = summarise(cur, year=y, region=region, by=by)
                across = summarise(cur, region=region, by="year", keys=[k for k, _ in chart_keys], figures_only=True) if opts["years"] else None
            series = []
            if across:
                groups = [g for g in across["groups"] if g["group"] != "?"]
                xs = [g["group"] for g in groups]
                for key, name in chart_keys:
                    series.append({"name": name, "x": xs, "y": [(g["cells"].get(key) or {}).get("sum") for g in groups]})
            return {"opts": opts, "year": y, "s": s, "series": series}

        return desk.memo(("dashboard", year, region, by), compute)

    desk.on_change.append(lambda: dashboard_data(None, None, "region"))

    def dashboard_page(request: Request):
        params = dict(request.query_params)
        region = params.get("region") or None
        by = params.get("by") if params.get("by") in ("region", "level") else "region"
        d = dashboard_data(int_param(request, "year"), region, by)
        t3_rows, _ = t3_shape()
        t4_rows, t4_cols = t4_shape()
        scope = {"year": d["year"], "region": region}
        return page(
            request, "dashboard.html", s=d["s"], opts=d["opts"], year=d["year"], region=region, by=by, scope=scope, t3_rows=t3_rows, t4_rows=t4_rows,
            t4_cols=t4_cols, series=json.dumps(d["series"], ensure_ascii=False), RATES=RATES, has_chart=plotly_js() is not None, busy=desk.busy(),
        )

    # ------------------------------------------------------------ 导出

    def export_page(request: Request):
        with desk.cursor() as cur:
            opts = choices(cur)
        return page(request, "export.html", opts=opts, params=dict(request.query_params), BY=BY)

    def export_file(request: Request):
        what = request.path_params["what"]
        params = dict(request.query_params)
        year = int_param(request, "year")
        region = params.get("region") or None
        fmt = params.get("format", "xlsx")
        tmpdir = Path(tempfile.mkdtemp(prefix="xxgk-export-"))
        scope = "".join(x for x in (f"{year}年度" if year else "", region or "") if x) or "全部"
        try:
            with desk.cursor() as cur:
                if what == "summary":
                    from ..store.summary_out import summary_csv, write_summary_xlsx

                    by = params.get("by") if params.get("by") in BY else None
                    s = summarise(cur, year=year, region=region, by=by)
                    if fmt == "csv":
                        out = tmpdir / f"汇总-{scope}.csv"
                        out.write_text(summary_csv(s), encoding="utf-8")
                    else:
                        out = tmpdir / f"汇总-{scope}.xlsx"
                        write_summary_xlsx(s, out)
                elif what == "findings":
                    from ..store.export import FINDING_FORMATS, export_findings

                    fmt = fmt if fmt in FINDING_FORMATS else "xlsx"
                    out = tmpdir / f"检查发现-{scope}.{fmt}"
                    export_findings(cur, out, fmt, year=year, region=region)
                elif what == "cells":
                    from ..store.export import FORMATS, export

                    fmt = fmt if fmt in FORMATS else "xlsx"
                    out = tmpdir / f"全部单元格-{scope}.{fmt}"
                    export(cur, out, fmt, year=year, region=region)
                else:
                    return problem(request, f"没有这种导出：{what}", 404)
        except Exception as e:
            import shutil

            shutil.rmtree(tmpdir, ignore_errors=True)
            return problem(request, f"导出失败：{type(e).__name__}: {e}".splitlines()[0], 500)

        def cleanup() -> None:
            import shutil

            shutil.rmtree(tmpdir, ignore_errors=True)

        return FileResponse(out, filename=out.name, background=BackgroundTask(cleanup))

    # ------------------------------------------------------------ misc

    def home(request: Request):
        return RedirectResponse("/reports", status_code=307)

    def plotly_file(request: Request):
        p = plotly_js()
        if p is None:
            return PlainTextResponse("// plotly is not installed", media_type="text/javascript", status_code=404)
        return FileResponse(p, media_type="text/javascript", headers={"cache-control": "max-age=86400"})

    def health(request: Request):
        return JSONResponse({"ok": True, "db": str(desk.db), "busy": desk.busy(), "time": time.time()})

    routes = [
        Route("/", home),
        Route("/upload", upload_page, methods=["GET"]),
        Route("/upload", upload_post, methods=["POST"]),
        Route("/api/jobs/{job_id:int}", job_json),
        Route("/reports", reports_page),
        Route("/reports/status", status_post, methods=["POST"]),
        Route("/reports/{report_id:int}", report_page),
        Route("/reports/{report_id:int}/source", report_source),
        Route("/reports/{report_id:int}/original", report_original),
        Route("/reports/{report_id:int}/explain", report_explain),
        Route("/reports/{report_id:int}/page/{n:int}.png", report_page_png),
        Route("/compare", compare_page),
        Route("/dashboard", dashboard_page),
        Route("/export", export_page),
        Route("/export/{what}", export_file),
        Route("/static/plotly.min.js", plotly_file),
        Route("/health", health),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.desk = desk
    desk.changed()  # warm the default dashboard while the first page loads
    return app

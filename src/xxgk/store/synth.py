"""Synthetic annual reports for the store's tests and benchmark.

:func:`random_cells` draws a *valid* record's cells for a layout (every
表三/表四 balance holds); :func:`report_text` writes them as a plain-text
report with tab-separated table rows, in the official shape and wording
(all labels from :mod:`xxgk.layouts`), which the text reader and the
extractor read back cell for cell.
"""

from __future__ import annotations

import random

from ..layouts import SECTIONS, T2_LABEL_HEADER, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T4_SUIT_GROUP, Layout, layout_for

_APPLICANTS = ("natural", "commercial", "research", "social", "legal", "other")


def random_cells(layout: Layout, rng: random.Random, scale: int = 30, previous: dict | None = None) -> dict[str, int | float]:
    """Cells of one valid report in ``layout`` (whole numbers; the fee amount in 万元).

    With ``previous`` (the same agency's cells of the year before) the figures
    continue it: 上年结转 = last year's 结转下年度, 现行有效件数 and 上一年项目数量
    carried forward — so that the cross-year rules (XG6xx) hold too.  规章 figures
    are 0 (most bodies may not make 规章).
    """
    prev = previous or {}
    same_layout = bool(prev) and any(k in prev for k in layout.table("t2").cell_keys())
    cells: dict[str, int | float] = {}
    t2 = layout.table("t2")
    for r in t2.rows:
        for c in t2.columns_of(r):
            key = f"t2.{r.key}.{c.key}"
            if r.key == "rules":
                cells[key] = 0
            elif c.kind == "signed":
                cells[key] = rng.randint(-5, 10)
            elif c.kind == "amount":
                cells[key] = round(rng.uniform(0, 50), 2)
            else:
                cells[key] = rng.randint(0, scale)
    if layout.template == "2019":
        for r in ("license", "other_service", "penalty", "coercion", "fee"):
            if same_layout and prev.get(f"t2.{r}.prev") is not None and prev.get(f"t2.{r}.change") is not None:
                cells[f"t2.{r}.prev"] = prev[f"t2.{r}.prev"] + prev[f"t2.{r}.change"]
            p, change = cells[f"t2.{r}.prev"], cells[f"t2.{r}.change"]
            if p + change < 0:
                cells[f"t2.{r}.change"] = -p
        cells["t2.normative.total"] = cells["t2.normative.total"] + cells["t2.normative.published"]
    else:
        for r in ("normative",):
            before = prev.get(f"t2.{r}.in_force") if same_layout else None
            if before is None:
                before = rng.randint(0, scale)
            cells[f"t2.{r}.repealed"] = min(cells[f"t2.{r}.repealed"], before)
            cells[f"t2.{r}.in_force"] = before + cells[f"t2.{r}.issued"] - cells[f"t2.{r}.repealed"]
    t3 = layout.table("t3")
    result_rows = [r.key for r in t3.rows if r.group and r.key != "total"]
    cols = {c: 0 for c in _APPLICANTS}
    rows: dict[str, dict[str, int]] = {r: {} for r in ("new", "carried_in", *result_rows, "total", "carried_out")}
    for c in _APPLICANTS:
        weight = scale if c == "natural" else max(1, scale // 6)
        new = rng.randint(0, weight)
        carried_in = prev.get(f"t3.carried_out.{c}") if prev else None
        if carried_in is None:
            carried_in = rng.randint(0, max(1, new // 5))
        avail = new + carried_in
        carried_out = rng.randint(0, avail // 5) if avail else 0
        left = avail - carried_out
        rows["new"][c], rows["carried_in"][c], rows["carried_out"][c] = new, carried_in, carried_out
        # spread what was handled over the result rows, most of it granted
        parts = {r: 0 for r in result_rows}
        for _ in range(left):
            r = "granted" if rng.random() < 0.55 else rng.choice(result_rows)
            parts[r] += 1
        for r in result_rows:
            rows[r][c] = parts[r]
        rows["total"][c] = left
        cols[c] = left
    for r, vals in rows.items():
        for c in _APPLICANTS:
            cells[f"t3.{r}.{c}"] = vals[c]
        cells[f"t3.{r}.total"] = sum(vals[c] for c in _APPLICANTS)
    t4 = layout.table("t4")
    for r in t4.rows:
        vals = [rng.randint(0, 3) if rng.random() < 0.4 else 0 for _ in range(4)]
        for c, v in zip(("upheld", "corrected", "other", "pending"), vals):
            cells[f"t4.{r.key}.{c}"] = v
        cells[f"t4.{r.key}.total"] = sum(vals)
    order = {k: i for i, k in enumerate(layout.cell_keys())}
    return dict(sorted(cells.items(), key=lambda kv: order.get(kv[0], len(order))))


def _v(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


_PHRASES = (
    "围绕{topic}，全年主动公开政府信息{n}条",
    "通过政府网站发布{topic}相关信息{n}条，政务新媒体推送{m}条",
    "组织政务公开业务培训{k}次，参训人员{m}人次",
    "更新完善政府信息公开指南和目录，新增{topic}栏目{k}个",
    "开展政策解读{k}次，其中图解{m}件、视频解读{k}件",
    "受理{topic}方面的咨询{n}件，均按时答复",
    "对{topic}信息开展保密审查{n}件次，未发生泄密事件",
    "召开新闻发布会{k}场，回应社会关切{m}次",
    "推进{topic}领域基层政务公开标准化规范化，编制事项清单{k}份",
    "建立健全{topic}信息发布协调机制，明确责任科室{k}个",
)
_TOPICS = ("财政预决算", "重大建设项目", "公共资源配置", "社会救助", "生态环境", "教育", "医疗卫生", "食品药品安全", "安全生产", "乡村振兴", "优化营商环境", "疫情防控")


def narrative(rng: random.Random, agency: str, year: int, sentences: int = 4) -> str:
    """A few sentences of report prose that differ from one report (and year) to the next."""
    out = []
    for tpl in rng.sample(_PHRASES, sentences):
        out.append(tpl.format(topic=rng.choice(_TOPICS), n=rng.randint(5, 5000), m=rng.randint(2, 900), k=rng.randint(1, 40)))
    return f"{year}年，{agency}" + "；".join(out) + "。"


def report_text(
    agency: str,
    year: int,
    cells: dict,
    template: str | None = None,
    narrative_text: str | None = None,
    published: str | None = None,
    rng: random.Random | None = None,
) -> str:
    """A plain-text report of ``cells`` (a blank cell is None: an empty field between tabs).

    The prose of sections 一, 五 and 六 is ``narrative_text`` or, with ``rng``, varied sentences.
    """
    lay = layout_for(template or ("2021" if year >= 2021 else "2019"))
    sec = {s.no: s.title for s in SECTIONS}
    out: list[str] = [f"{agency}{year}年政府信息公开工作年度报告", ""]
    body = narrative_text or (narrative(rng, agency, year) if rng else f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，推进政务公开工作。")
    out += [sec[1], body, "", sec[2]]
    t2 = lay.table("t2")
    for b in t2.blocks:
        out.append(b.label)
        out.append("\t".join([T2_LABEL_HEADER, *[c.label for c in b.columns]]))
        for r in b.rows:
            out.append("\t".join([r.label, *[_v(cells.get(f"t2.{r.key}.{c.key}")) for c in b.columns]]))
        out.append("")
    t3 = lay.table("t3")
    out.append(sec[3])
    cols = [c for c in t3.columns if not c.optional]
    out.append("\t".join(["", "", "", T3_HEADER_GROUP]))
    out.append("\t".join(["", "", "", cols[0].label, T3_APPLICANT_GROUP, "", "", "", "", "", cols[-1].label]))
    out.append("\t".join(["", "", "", "", *[c.label for c in cols[1:-1]], ""]))
    groups = {g.key: g for g in t3.groups}
    seen: set[str] = set()
    for r in t3.rows:
        vals = [_v(cells.get(f"t3.{r.key}.{c.key}")) for c in cols]
        lead = []
        if r.group and "results" not in seen:
            seen.add("results")
            lead.append(groups["results"].full_label)
        g = groups.get(r.group) if r.group and r.group != "results" else None
        if g and g.key not in seen:
            seen.add(g.key)
            lead.append(g.full_label)
        out.append("\t".join([*lead, r.full_label, *vals]))
    out.append("")
    out.append(sec[4])
    t4 = lay.table("t4")
    out.append("\t".join([t4.rows[0].label] * 5 + [T4_SUIT_GROUP] * 10))
    out.append("\t".join([""] * 5 + [t4.rows[1].label] * 5 + [t4.rows[2].label] * 5))
    out.append("\t".join([c.label for c in t4.columns] * 3))
    out.append("\t".join(_v(cells.get(f"t4.{r.key}.{c.key}")) for r in t4.rows for c in t4.columns))
    out.append("")
    problems = narrative(rng, "本单位", year + 1, 2) if rng else "政府信息公开工作仍存在不足，下一步将加强培训。"
    fee = f"本年度未收取信息处理费。{narrative(rng, '本单位', year, 1)}" if rng else "本年度未收取信息处理费。"
    out += [sec[5], "存在的主要问题：公开内容的及时性有待提高。改进情况：" + problems, "", sec[6], fee, ""]
    out += [agency, published or f"{year + 1}年1月20日", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ a large store without parsing

_DISTRICTS = (
    "杭州市西湖区", "杭州市余杭区", "宁波市海曙区", "温州市鹿城区", "绍兴市越城区", "湖州市吴兴区", "嘉兴市南湖区", "金华市婺城区",
    "衢州市柯城区", "舟山市定海区", "台州市椒江区", "丽水市莲都区", "南京市鼓楼区", "苏州市姑苏区", "合肥市蜀山区", "福州市鼓楼区",
)
_DEPARTMENTS = ("教育局", "财政局", "民政局", "卫生健康局", "自然资源局", "生态环境局", "交通运输局", "农业农村局", "商务局", "应急管理局", "市场监督管理局", "司法局")


def fill_store(
    con, n: int, seed: int = 11, years: tuple[int, ...] = (2021, 2022, 2023, 2024), break_share: float = 0.3, progress=None, cross_year: bool = True
) -> int:
    """Write ``n`` synthetic reports straight into the store (no files, no parsing), through the
    ingest's own writer and the real checker: agencies spread over real districts, each reporting
    every year of ``years``; about ``break_share`` of them with a broken 表三 balance; then, as
    ``ingest`` does, the cross-year rules (XG6xx) for every agency's consecutive years.  For the
    desk's benchmarks (100,000 reports in minutes instead of hours).  Returns the number written."""
    import hashlib

    from ..model import Meta, Record, SectionText, Source
    from .checks import run_checks
    from .ingest import IngestResult, _Writer, PARSER_VERSION
    from .records import cell_rows, finding_rows, section_rows

    rng = random.Random(seed)
    writer = _Writer(con, PARSER_VERSION, IngestResult())
    per_agency = len(years)
    written = 0
    while written < n:
        i = written // per_agency
        agency = f"{_DISTRICTS[i % len(_DISTRICTS)]}第{i // len(_DISTRICTS)}号{_DEPARTMENTS[i % len(_DEPARTMENTS)]}"
        prev = None
        for year in years:
            if written >= n:
                break
            tpl = "2021" if year >= 2021 else "2019"
            cells = random_cells(layout_for(tpl), rng, scale=30, previous=prev)
            prev = dict(cells)
            if rng.random() < break_share:
                cells["t3.total.natural"] = cells["t3.total.natural"] + rng.randint(1, 5)
            path = f"synthetic/{written:06d}.txt"
            rec = Record(
                source=Source(path=path, sha256=hashlib.sha256(path.encode()).hexdigest(), format="text"),
                meta=Meta(title=f"{agency}{year}年政府信息公开工作年度报告", agency=agency, year=year, published=f"{year + 1}-01-20", template=tpl),
                cells=cells,
                sections=[SectionText(no=sec.no, title=sec.title, text=narrative(rng, agency, year, 2) if sec.no in (1, 5, 6) else "", printed=sec.no) for sec in SECTIONS],
            )
            findings, checked = run_checks(rec)
            writer.add({
                "path": path, "sha": rec.source.sha256, "format": "text",
                "meta": (rec.meta.title, agency, year, rec.meta.published, tpl), "notes": None,
                "cells": cell_rows(rec), "sections": section_rows(rec), "findings": finding_rows(findings), "checked": checked,
            })
            written += 1
            if len(writer.buf) >= 2000:
                writer.flush()
                if progress:
                    progress(written, n)
    writer.flush()
    if cross_year:
        from .ingest import cross_check

        cross_check(con)
    from .cube import refresh

    refresh(con)  # the summary's pre-aggregates, as ingest leaves them
    return written

# ------------------------------------------------------------------ a national store, generated in the database

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省", "安徽省",
    "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
    "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)
_LEVELS = ("部门", "部门", "部门", "部门", "部门", "县", "乡镇", "乡镇", "市", "省", "部委")
_RULES = (("XG301", "error"), ("XG302", "error"), ("XG401", "error"), ("XG203", "warning"), ("XG501", "warning"), ("XG702", "info"))
NATIONAL_YEARS = tuple(range(2013, 2025))  # a dozen years


def national_store(con, n_reports: int, seed: int = 1, chunk: int = 100_000, progress=None) -> dict:
    """Fill an empty store with ``n_reports`` synthetic reports at national scale, in the database itself.

    ≈ n/12 agencies over the 31 provinces (a few hundred cities and thousands of
    counties), each with a report for each of a dozen years (2013–2024), every
    report with the cells of its year's layout (2019 before 2021 — more cells than
    real pre-2019 reports have, so the figures err on the heavy side), about one
    cell in 4,000 left blank, 0–2 findings and six short sections.  Figures are
    pseudo-random (DuckDB's ``hash``), not balanced: this is for measuring the
    store, not the checker.  The long ``cells`` table is always filled; the wide
    ``report_cells`` too when the schema has it.  Works in chunks of report ids
    (memory stays bounded).  Returns counts and seconds.
    """
    import time

    from ..layouts import all_cell_keys
    from .wide import TABLE, q

    t0 = time.monotonic()
    keys = all_cell_keys()
    from .cube import FIGURES, fill_figures, refresh
    from .db import has_table

    has_wide = has_table(con, TABLE)

    has_figures = has_table(con, FIGURES)
    has_counts = bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'reports' AND column_name = 'n_errors'").fetchone()[0])
    n_ag = max(1, -(-n_reports // len(NATIONAL_YEARS)))
    provs = "[" + ", ".join(f"'{p}'" for p in PROVINCES) + "]"
    levels = "[" + ", ".join(f"'{x}'" for x in _LEVELS) + "]"
    s = int(seed)
    con.execute(
        f"""INSERT INTO agencies (id, name, norm, province, city, county, level, tier)
            SELECT a, prov || city || county || '第' || a || '号' || CASE lvl WHEN '部门' THEN '局' WHEN '乡镇' THEN '镇政府' ELSE '政府' END,
                   prov || city || county || a, prov, city, county, lvl, CASE WHEN lvl = '部门' THEN '县' END
            FROM (SELECT a, {provs}[1 + CAST(hash(a, {s}) % 31 AS BIGINT)] AS prov, 'C' || (hash(a, {s}, 1) % 12) || '市' AS city,
                         'X' || (hash(a, {s}, 2) % 9) || '县' AS county, {levels}[1 + CAST(hash(a, {s}, 3) % {len(_LEVELS)} AS BIGINT)] AS lvl
                  FROM range(1, {n_ag + 1}) t(a))"""
    )
    con.execute("INSERT INTO agency_aliases SELECT name, norm, id FROM agencies")
    lay19 = set(layout_for("2019").cell_keys())
    lay21 = set(layout_for("2021").cell_keys())

    def value(i: int, k: str) -> str:
        has = [c for c, lay in (("y < 2021", lay19), ("y >= 2021", lay21)) if k in lay]
        if not has:
            return f"CAST(NULL AS DOUBLE) AS {q(k)}"
        cond = has[0] if len(has) == 1 else "TRUE"
        top = 30 if k.startswith("t4.") else 300
        return f"CASE WHEN {cond} THEN (CASE WHEN hash(id, {s}, {i}, 7) % 4000 = 0 THEN -1 ELSE CAST(hash(id, {s}, {i}) % {top} AS DOUBLE) END) END AS {q(k)}"

    cols = ",\n".join(value(i, k) for i, k in enumerate(keys))
    counts = ", n_errors, n_warnings, n_infos" if has_counts else ""
    rules = "[" + ", ".join(f"'{r}'" for r, _ in _RULES) + "]"
    sevs = "[" + ", ".join(f"'{v}'" for _, v in _RULES) + "]"
    from ..layouts import SECTIONS

    sections = "[" + ", ".join(f"'{s.title}'" for s in SECTIONS) + "]"
    for lo in range(1, n_reports + 1, chunk):
        hi = min(n_reports, lo + chunk - 1)
        con.execute("BEGIN TRANSACTION")
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _synth AS
                SELECT id, {NATIONAL_YEARS[0]} + (id - 1) // {n_ag} AS y, 1 + (id - 1) % {n_ag} AS aid, hash(id, {s}, 99) % 3 AS nf FROM range({lo}, {hi + 1}) t(id)"""
        )
        con.execute(
            f"""INSERT INTO reports (id, sha256, parser_version, source_path, format, title, agency, agency_id, province, city, county, level,
                                     year, layout, published, parsed_at, checked, current, n_cells, n_blank, n_uncertain{counts})
                SELECT s.id, sha256(CAST(s.id AS VARCHAR) || '-{s}'), '{__import__("xxgk").__version__}', 'synthetic/' || s.aid || '/' || s.y || '.txt', 'text',
                       a.name || s.y || '年政府信息公开工作年度报告', a.name, a.id, a.province, a.city, a.county, a.level, s.y,
                       CASE WHEN s.y >= 2021 THEN '2021' ELSE '2019' END, make_date(s.y + 1, 1, 1 + CAST(hash(s.id, {s}, 5) % 28 AS INTEGER)),
                       TIMESTAMP '2026-01-01 00:00:00', true, true, CASE WHEN s.y >= 2021 THEN {len(lay21)} ELSE {len(lay19)} END, 0, 0
                       {", (s.nf >= 1)::INTEGER, (s.nf >= 2)::INTEGER, 0" if has_counts else ""}
                FROM _synth s JOIN agencies a ON a.id = s.aid"""
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _synth_w AS SELECT id, {cols} FROM (SELECT id, y FROM _synth)")
        con.execute(
            """INSERT INTO cells SELECT id, key, CASE WHEN v = -1 THEN NULL ELSE v END, NULL, v = -1, false
               FROM (UNPIVOT _synth_w ON COLUMNS(* EXCLUDE (id)) INTO NAME key VALUE v)"""
        )
        con.execute("UPDATE reports SET n_blank = b.n FROM (SELECT report_id, count(*) AS n FROM cells WHERE blank AND report_id BETWEEN ? AND ? GROUP BY ALL) b WHERE b.report_id = reports.id", [lo, hi])
        if has_wide:
            wide = ", ".join(f"CASE WHEN {q(k)} = -1 THEN NULL ELSE {q(k)} END" for k in keys)
            blank = "nullif(list_filter([" + ", ".join(f"CASE WHEN {q(k)} = -1 THEN '{k}' END" for k in keys) + "], lambda x: x IS NOT NULL), [])"
            con.execute(f"INSERT INTO {TABLE} SELECT id, {wide}, {blank} FROM _synth_w")
        if has_figures:
            fill_figures(con, lo, hi)
        con.execute(
            f"""INSERT INTO findings (report_id, rule, severity, cells, message, message_en)
                SELECT id, {rules}[1 + CAST(hash(id, j) % {len(_RULES)} AS BIGINT)], {sevs}[1 + CAST(hash(id, j) % {len(_RULES)} AS BIGINT)], '["t3.total.total"]',
                       '表三 合计与明细不符', 'table 3 totals disagree with their details'
                FROM _synth, range(0, 2) r(j) WHERE j < nf"""
        )
        con.execute(
            f"""INSERT INTO sections SELECT id, j, j + 1, j + 1, {sections}[j + 1], repeat('推进政务公开工作，', 4 + CAST(hash(id, j) % 12 AS INTEGER)) FROM _synth, range(0, 6) r(j)"""
        )
        con.execute("COMMIT")
        if progress:
            progress(hi, n_reports)
    con.execute("DROP TABLE IF EXISTS _synth")
    con.execute("DROP TABLE IF EXISTS _synth_w")
    refresh(con)  # the summary's pre-aggregates (when the schema has them)
    return {"reports": n_reports, "agencies": n_ag, "seconds": time.monotonic() - t0}

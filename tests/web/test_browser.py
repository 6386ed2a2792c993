"""The review desk end to end in a real headless Chromium: upload the five seeds and a corpus PDF,
watch the progress finish, open seed 001 and see its 表三 balance cells marked with XG301's message,
filter the list by rule XG301, follow a dashboard number to its reports, export the summary and open
the workbook.  Each page is photographed at 1366×768 (into build/screenshots/, or docs/screenshots/ with `make screenshots`, the folder the README names)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import CORPUS, SEEDS
from web_helpers import SCREENSHOTS, browser, desk_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_review_desk_end_to_end(browser, tmp_path):  # noqa: F811
    seeds = sorted(SEEDS.glob("*.txt"))
    pdf = CORPUS / "raw" / "001.pdf"
    files = [str(p) for p in seeds] + ([str(pdf)] if pdf.exists() else [])
    with desk_server(tmp_path / "desk.duckdb") as (base, desk):
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # 上传: the files go in, the bar runs to the end, the counts are right
        page.goto(base + "/upload")
        page.set_input_files("#files", files)
        page.click("#upload-button")
        page.wait_for_url(re.compile(r"/upload\?job=\d+"))
        page.reload()  # the progress survives a reload (the job is in the URL, its state in the desk)
        page.wait_for_selector("#job[data-state=done]", timeout=180_000)
        assert page.inner_text("#job-line .done") == str(len(files))
        assert page.inner_text("#job-line .ingested") == str(len(files))
        assert page.inner_text("#job-line .n-failed") == "0"
        assert page.get_attribute("#bar-fill", "style").replace(" ", "").startswith("width:100")
        shot(page, "upload")

        # 报告: the list, then filtered by rule XG301 (seeds 000, 001, 002 break the 表三 balance)
        page.goto(base + "/reports")
        assert page.inner_text("#total") == str(len(files))
        shot(page, "reports")
        page.select_option("#rule", "XG301")
        page.click("form.filters button[type=submit]")
        page.wait_for_url(re.compile(r"rule=XG301"))
        with desk.cursor() as cur:
            xg301 = {r[0] for r in cur.execute("SELECT DISTINCT report_id FROM findings WHERE rule = 'XG301'").fetchall()}
        listed = {int(x) for x in page.eval_on_selector_all("#report-list tbody tr[data-id]", "rows => rows.map(r => r.dataset.id)")}
        assert listed == xg301 and len(listed) >= 1

        # 报告详情 of seed 001: every cell XG301 names is marked as an error and carries XG301's message
        with desk.cursor() as cur:
            rid = cur.execute("SELECT id FROM reports WHERE source_path LIKE '%001_20e7895cbe7b68c1%'").fetchone()[0]
            found = cur.execute("SELECT cells, message FROM findings WHERE report_id = ? AND rule = 'XG301'", [rid]).fetchall()
        assert rid in listed
        page.click(f"#report-list tr[data-id='{rid}'] a.open")
        page.wait_for_url(re.compile(rf"/reports/{rid}$"))
        assert found
        import json

        for cells, message in found:
            for key in json.loads(cells):
                assert key.startswith("t3.")
                td = page.locator(f"table.t3 td[data-key='{key}']")
                assert "hl-error" in td.get_attribute("class")
                assert message in td.get_attribute("title")
            assert page.locator("#findings li", has_text=message).count() == 1
        # a finding clicked lights its cells
        page.locator("#findings li", has_text=found[0][1]).click()
        assert page.locator("td.flash").count() == len(json.loads(found[0][0]))
        # a cell clicked shows where it came from in the original (xxgk explain's snippet)
        key = json.loads(found[0][0])[0]
        page.locator(f"table.t3 td[data-key='{key}']").click()
        page.wait_for_selector("#explain pre.snippet span.hit")
        assert "表三" in page.inner_text("#explain .exp-label")
        page.wait_for_selector("#source .doc p")  # the source document beside it
        page.locator("table.t3").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -60)")
        shot(page, "report")
        # the original downloads as uploaded
        with page.expect_download() as dl:
            page.click("#download")
        assert Path(dl.value.path()).read_bytes() == (SEEDS / "001_20e7895cbe7b68c1.txt").read_bytes()

        # 看板: follow the error number to its reports; the list's total is that number
        page.goto(base + "/dashboard?year=2020")  # the year of four of the seeds
        page.wait_for_selector("#chart .main-svg", timeout=30_000)
        shot(page, "dashboard")
        n = int(page.inner_text("#card-errors .n").replace(",", ""))
        page.click("#card-errors")
        page.wait_for_url(re.compile(r"/reports\?.*severity=error"))
        assert int(page.inner_text("#total").replace(",", "")) == n > 0
        # and a rule's number in the dashboard leads to exactly the reports with that rule
        page.goto(base + "/dashboard?year=2020")
        link = page.locator("#rules a.rule-reports").first
        n = int(link.inner_text().replace(",", ""))
        link.click()
        page.wait_for_url(re.compile(r"rule="))
        assert int(page.inner_text("#total").replace(",", "")) == n

        # 对比: the two seeds of 2020 from the same family of agencies, cell by cell
        with desk.cursor() as cur:
            a, b = [r[0] for r in cur.execute("SELECT id FROM reports WHERE year = 2020 ORDER BY id LIMIT 2").fetchall()]
        page.goto(f"{base}/compare?a={a}&b={b}")
        assert int(page.inner_text("#n-diff")) > 0
        assert page.locator("td.diff").count() > 0
        shot(page, "compare")

        # 导出: the summary workbook downloads and opens
        page.goto(base + "/export")
        shot(page, "export")
        with page.expect_download() as dl:
            page.click("#export-summary")
        assert dl.value.suggested_filename.endswith(".xlsx")
        saved = tmp_path / dl.value.suggested_filename
        dl.value.save_as(saved)
        wb = load_workbook(saved)
        text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
        assert "予以公开" in text and str(len(files)) in text
        ctx.close()
        assert not errors, errors

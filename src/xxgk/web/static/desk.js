// xxgk 审阅台: a few small behaviours on server-rendered pages (no framework, nothing fetched from outside).
(function () {
  "use strict";
  const $ = (s, el) => (el || document).querySelector(s);
  const $$ = (s, el) => Array.from((el || document).querySelectorAll(s));

  // ---- 上传: drag and drop, upload with fetch, then poll the job (its id is in the URL: a reload finds it again)
  const form = $("#upload-form");
  if (form) {
    const input = $("#files"), zone = $("#dropzone"), picked = $("#picked");
    let dropped = null;
    const show = (files) => { picked.textContent = files.length ? `已选 ${files.length} 个文件` : ""; };
    input.addEventListener("change", () => { dropped = null; show(input.files); });
    ["dragenter", "dragover"].forEach((e) => zone.addEventListener(e, (ev) => { ev.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((e) => zone.addEventListener(e, (ev) => { ev.preventDefault(); zone.classList.remove("over"); }));
    zone.addEventListener("drop", (ev) => { dropped = ev.dataTransfer.files; show(dropped); });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const files = dropped || input.files;
      if (!files || !files.length) { picked.textContent = "请先选择或拖入文件"; return; }
      const fd = new FormData();
      for (const f of files) fd.append("files", f, f.name);
      $("#upload-button").disabled = true;
      picked.textContent = `正在上传 ${files.length} 个文件……`;
      try {
        const r = await fetch("/upload", { method: "POST", body: fd, headers: { Accept: "application/json" } });
        const j = await r.json();
        if (!r.ok) { picked.textContent = j.error || "上传失败"; return; }
        history.replaceState(null, "", j.url);
        picked.textContent = "";
        watch(j.job);
      } catch (e) {
        picked.textContent = "上传失败：" + e;
      } finally {
        $("#upload-button").disabled = false;
        input.value = ""; dropped = null;
      }
    });
    const sec = $("#job");
    if (sec && sec.dataset.job && sec.dataset.state !== "done" && sec.dataset.state !== "error") watch(sec.dataset.job);
  }

  function watch(id) {
    const sec = $("#job");
    sec.hidden = false;
    sec.dataset.job = id;
    $("#job-id").textContent = "#" + id;
    const names = { queued: "排队中", running: "进行中", done: "完成", error: "中断" };
    const tick = async () => {
      let j;
      try { j = await (await fetch(`/api/jobs/${id}`)).json(); } catch (e) { setTimeout(tick, 1000); return; }
      const pctv = j.total ? (100 * j.done) / j.total : (j.state === "done" ? 100 : 0);
      $("#bar-fill").style.width = pctv.toFixed(1) + "%";
      $("#job-line").innerHTML = "";
      const line = $("#job-line");
      line.append(`${names[j.state]}：已处理 `);
      const b = (cls, v) => { const e = document.createElement("b"); e.className = cls; e.textContent = v; return e; };
      line.append(b("done", j.done), " / ", b("total", j.total), " 个文件，每秒 ", b("rate", j.rate), " 个，入库 ", b("ingested", j.ingested),
        "，重复跳过 ", b("duplicates", j.duplicates), "，失败 ", b("n-failed", j.n_failed));
      if (j.error) { const e = document.createElement("span"); e.className = "problem"; e.textContent = " " + j.error; line.append(e); }
      const ul = $("#job-failed");
      ul.innerHTML = "";
      for (const f of j.failed) { const li = document.createElement("li"); const s = document.createElement("strong"); s.textContent = f.name; li.append(s, "：" + f.reason); ul.append(li); }
      const row = $("#job-row-" + id);
      if (row) {
        row.querySelector(".state").textContent = names[j.state];
        for (const k of ["total", "ingested", "duplicates", "n_failed"]) row.querySelector("." + k).textContent = j[k];
        row.querySelector(".seconds").textContent = j.seconds + " 秒";
      }
      sec.dataset.state = j.state;
      if (j.state === "done" || j.state === "error") { $("#job-done").hidden = false; return; }
      setTimeout(tick, 500);
    };
    tick();
  }

  // ---- 报告: select all on the page
  const all = $("#check-all");
  if (all) all.addEventListener("change", () => $$("#report-list tbody input[type=checkbox]").forEach((c) => (c.checked = all.checked)));

  // ---- 报告详情: a finding lights up its cells; a marked cell lights up its findings; the source loads after the page
  const light = (keys) => {
    $$("td.flash").forEach((td) => td.classList.remove("flash"));
    let first = null;
    keys.forEach((k) => $$(`td[data-key="${CSS.escape(k)}"]`).forEach((td) => { td.classList.add("flash"); first = first || td; }));
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  };
  $$(".finding[data-cells]").forEach((li) => li.addEventListener("click", (ev) => {
    if (ev.target.tagName === "A") return;
    $$(".finding.active").forEach((x) => x.classList.remove("active"));
    li.classList.add("active");
    light(li.dataset.cells.split(/\s+/).filter(Boolean));
  }));
  $$("td.hl[data-findings]").forEach((td) => td.addEventListener("click", () => {
    $$(".finding.active").forEach((x) => x.classList.remove("active"));
    const ids = td.dataset.findings.split(" ");
    ids.forEach((i) => { const li = $("#f-" + i); if (li) li.classList.add("active"); });
    const li = $("#f-" + ids[0]);
    if (li) li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }));
  const box = $("#explain"), srcBox = $("#source[data-explain]");
  if (box && srcBox) $$("table.official td.v[data-key]").forEach((td) => td.addEventListener("click", async () => {
    box.hidden = false;
    box.textContent = "正在查找来源……";
    try {
      const r = await fetch(`${srcBox.dataset.explain}?key=${encodeURIComponent(td.dataset.key)}`);
      box.innerHTML = await r.text();
      box.dataset.key = td.dataset.key;
    } catch (e) { box.textContent = "来源载入失败"; }
  }));
  const src = $("#source[data-src]");
  if (src) fetch(src.dataset.src).then((r) => r.text()).then((html) => { src.innerHTML = html; }).catch(() => { src.textContent = "原文载入失败"; });

  // ---- 看板: the chart (plotly, served by the desk itself); a click on a year opens that year's reports
  const chart = $("#chart");
  if (chart) {
    const draw = () => {
      if (!window.Plotly) { setTimeout(draw, 100); return; }
      const series = JSON.parse(chart.dataset.series || "[]");
      const data = series.map((s, i) => ({ type: i === 0 ? "scatter" : "bar", mode: "lines+markers", name: s.name, x: s.x, y: s.y }));
      window.Plotly.newPlot(chart, data, {
        margin: { t: 10, r: 10, b: 40, l: 50 }, barmode: "group", legend: { orientation: "h" },
        xaxis: { type: "category" }, font: { family: "Microsoft YaHei, Noto Sans CJK SC, sans-serif" },
      }, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"] });
      chart.on("plotly_click", (ev) => {
        const p = ev.points && ev.points[0];
        if (!p) return;
        const q = new URLSearchParams(location.search);
        q.set("year", p.x); q.delete("by");
        location.href = "/reports?" + q.toString();
      });
    };
    draw();
  }
})();

// Charts of the county and township dashboards, drawn by Apache ECharts (served from
// node_modules, never a CDN) from the figures the page passes with json_script. The tables
// below each chart carry every figure, so the page works without this script.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const LEVEL_COLOURS = { 3: "#dc3545", 2: "#fd7e14", 1: "#ffc107" };
  const charts = [];
  // Below Bootstrap's sm breakpoint (cunjian.css turns lists into cards there too).
  const PHONE = window.matchMedia("(max-width: 575.98px)").matches;
  const TOP_N = 10;

  // A chart's height for its number of rows (a script may set element.style; the CSP refuses
  // style="" attributes).
  function tall(name, px) {
    const el = document.querySelector(`[data-chart="${name}"]`);
    if (el) { el.style.height = Math.max(px, 200) + "px"; el.dataset.layout = "horizontal"; }
  }

  function draw(name, option, urls) {
    const el = document.querySelector(`[data-chart="${name}"]`);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false }, option));
    // A click on a bar or a slice opens the page behind it, like the links in the tables.
    chart.on("click", (params) => {
      const url = (params.data && params.data.url) || (urls && urls[params.dataIndex]);
      if (url) window.location.href = url;
    });
    el.dataset.ready = "true";
    charts.push(chart);
  }

  const percentAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };

  const rateTip = (v) => (v == null ? "—" : v.toFixed(1) + "%");
  if (PHONE) {
    // On a phone 28 villages side by side are unreadable: horizontal bars, one row per unit,
    // the TOP_N furthest behind (lowest mean share on time) at the top; the table lists all.
    const mean = (i) => {
      const values = data.matrix.map((s) => s.data[i]).filter((v) => v != null);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Infinity;
    };
    const order = data.units.map((_, i) => i).sort((a, b) => mean(a) - mean(b)).slice(0, TOP_N).reverse();
    tall("matrix", order.length * (24 + 8 * data.matrix.length) + 60);
    draw("matrix", {
      tooltip: { trigger: "axis", valueFormatter: rateTip },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 50, bottom: 24, containLabel: true },
      xAxis: percentAxis,
      yAxis: { type: "category", data: order.map((i) => data.units[i]), axisLabel: { interval: 0, width: 80, overflow: "truncate" } },
      series: data.matrix.map((s) => ({ name: s.name, type: "bar", data: order.map((i) => s.data[i]) })),
    }, order.map((i) => data.unit_urls[i]));
  } else {
    draw("matrix", {
      tooltip: { trigger: "axis", valueFormatter: rateTip },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 60 },
      xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 8 ? 40 : 0 } },
      yAxis: percentAxis,
      series: data.matrix.map((s) => ({ name: s.name, type: "bar", data: s.data })),
    }, data.unit_urls);
  }

  draw("warnings", {
    tooltip: { trigger: "item" },
    series: [{
      type: "pie",
      radius: ["35%", "70%"],
      label: { formatter: "{b}: {c}" },
      data: data.warnings.map((w) => ({ name: w.name, value: w.value, url: w.url, itemStyle: { color: LEVEL_COLOURS[w.level] } })),
    }],
  });

  function counts(name, rows, colour) {
    draw(name, {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: 40 },
      xAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", itemStyle: { color: colour }, data: rows.map((r) => ({ value: r.value, url: r.url })) }],
    });
  }
  counts("ageing", data.ageing, "#9b1c1c");
  counts("satisfaction", data.satisfaction, "#198754");

  draw("trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, top: 40, bottom: 40 },
    xAxis: { type: "category", data: data.trend.periods },
    yAxis: [percentAxis, { type: "value", minInterval: 1, position: "right" }],
    series: [
      ...data.trend.series.map((s) => ({ name: s.name, type: "line", data: s.data, connectNulls: true })),
      { name: data.trend.problems_name, type: "bar", yAxisIndex: 1, data: data.trend.problems, itemStyle: { color: "#adb5bd" } },
    ],
  });

  // The ranking comes best last (the category axis runs upwards); a phone shows the TOP_N best.
  const ranked = PHONE ? -TOP_N : 0;
  if (PHONE) tall("ranking", Math.min(data.ranking.names.length, TOP_N) * 28 + 50);
  draw("ranking", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 20, top: 10, bottom: 30, containLabel: true },
    xAxis: { type: "value", min: 0, max: 100 },
    yAxis: { type: "category", data: data.ranking.names.slice(ranked), axisLabel: { interval: 0, width: 90, overflow: "truncate" } },
    series: [{ type: "bar", itemStyle: { color: "#9b1c1c" }, data: data.ranking.scores.slice(ranked) }],
  }, data.ranking.urls.slice(ranked));

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();

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

  draw("matrix", {
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v.toFixed(1) + "%") },
    legend: { top: 0 },
    grid: { left: 40, right: 10, top: 40, bottom: 60 },
    xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 8 ? 40 : 0 } },
    yAxis: percentAxis,
    series: data.matrix.map((s) => ({ name: s.name, type: "bar", data: s.data })),
  }, data.unit_urls);

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

  draw("ranking", {
    tooltip: { trigger: "axis" },
    grid: { left: 90, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value", min: 0, max: 100 },
    yAxis: { type: "category", data: data.ranking.names },
    series: [{ type: "bar", itemStyle: { color: "#9b1c1c" }, data: data.ranking.scores }],
  }, data.ranking.urls);

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();

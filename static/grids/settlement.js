// The settlement-rate chart: data from the chart element's data attributes (no inline script: CSP).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("settlement-chart");
    if (!el || !window.echarts) { return; }
    var data = JSON.parse(el.getAttribute("data-chart"));
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      legend: { data: [el.getAttribute("data-grid-label"), el.getAttribute("data-community-label")] },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: el.getAttribute("data-grid-label"), type: "line", data: data.grid },
        { name: el.getAttribute("data-community-label"), type: "line", data: data.community }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();

/* The review page's progress chart: one stacked bar per street, from the data-chart attribute
   (no inline script: the Content-Security-Policy allows only static files). */
(function () {
  "use strict";
  var el = document.getElementById("progress-chart");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.getAttribute("data-chart"));
  if (!data.streets.length) { el.hidden = true; return; }
  var chart = window.echarts.init(el);
  var series = data.series.map(function (s) {
    return { name: s.name, type: "bar", stack: "sheets", data: s.data };
  });
  series.push({ name: "逾期", type: "line", data: data.late });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 20, bottom: 60, top: 40 },
    xAxis: { type: "category", data: data.streets, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", name: "评分表" },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());

/* Draws the pages' charts with the vendored ECharts (static/vendor/echarts/).
   Each chart is a <div class="chart" data-chart="KIND" data-source="ID">, where ID is the id of a
   json_script element holding {categories, series: [{name, data, stack}], unit, cap, capLabel}. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var palette = ["#b71c1c", "#0b5cad", "#2f855a", "#c05621", "#6b46c1"];

  function thousands(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function option(kind, data) {
    var horizontal = data.categories.length > 8 && window.innerWidth < 700;
    var categoryAxis = { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: horizontal ? 0 : (data.categories.length > 6 ? 30 : 0) } };
    var valueAxis = { type: "value", name: data.unit || "", axisLabel: { formatter: thousands } };
    var series = data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: s.stack || (kind === "budget-by-street" ? "total" : undefined), data: s.data,
               emphasis: { focus: "series" } };
    });
    if (data.cap) {
      series[0].markLine = { symbol: "none", lineStyle: { color: "#c05621", type: "dashed" },
                             label: { position: "insideEndTop", formatter: data.capLabel || String(data.cap) },
                             data: [{ yAxis: data.cap }] };
      if (horizontal) { series[0].markLine.data = [{ xAxis: data.cap }]; }
    }
    return {
      color: palette,
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: thousands },
      legend: { top: 0 },
      grid: { left: 8, right: 24, bottom: 8, top: 36, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true, axisLabel: { interval: 0 } }) : valueAxis,
      series: series
    };
  }

  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (!data || !data.categories || !data.categories.length) { el.hidden = true; return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });  // canvas: no inline style attributes (CSP)
    chart.setOption(option(el.getAttribute("data-chart"), data));
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  });
})();

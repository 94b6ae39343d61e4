// Draws each <div data-chart="ID"> from the JSON in <script type="application/json" id="ID">, with ECharts
// (served from /static/vendor/, no CDN). A file rather than inline script: the pages' CSP allows only
// scripts from the site. The table beside each chart carries the same figures for those who read.
(function () {
  "use strict";
  function draw() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: data.categories },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (series) {
          return { name: series.name, type: "bar", stack: "total", data: series.data };
        })
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

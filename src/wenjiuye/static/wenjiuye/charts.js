/*
 * Draws every chart of the page with the vendored Apache ECharts (SVG renderer).
 *
 * core/charts.py writes, for each chart, <div class="chart" data-chart-options="ID"> and its
 * options as JSON in <script type="application/json" id="ID">: no inline script runs (the CSP
 * is script-src 'self'). The JSON is data only; this file adds what JSON cannot carry:
 *  - x labels spaced to fit the chart's width, counted back from the last period so that the
 *    latest month is always labelled, rotated when they would not fit side by side;
 *  - tooltips listing each series' value with its unit ("2.9%", "14人"), built as DOM nodes
 *    (no HTML strings, no inline style attributes).
 * Charts follow the size of their container (window resizes, phone rotation).
 *
 * Every chart's markup loads this file; it runs once and loads ECharts once.
 */
(function () {
  "use strict";
  if (window.wenjiuyeCharts) {
    return;
  }
  window.wenjiuyeCharts = true;
  var script = document.currentScript;
  var echartsUrl = script && script.getAttribute("data-echarts");

  function withEcharts(done) {
    if (window.echarts) {
      done();
      return;
    }
    var tag = document.createElement("script");
    tag.src = echartsUrl;
    tag.onload = done;
    document.head.appendChild(tag);
  }

  function formatValue(value, meta) {
    if (value === null || value === undefined || value === "-" || isNaN(value)) {
      return "—";
    }
    if (meta.unit === "%") {
      return Number(value).toFixed(meta.digits) + "%";
    }
    var text = Number(value).toLocaleString("zh-CN", { maximumFractionDigits: meta.digits });
    return text + (meta.unit || "");
  }

  function tooltip(meta) {
    return function (params) {
      var items = Array.isArray(params) ? params : [params];
      var box = document.createElement("div");
      box.className = "chart-tip";
      var head = document.createElement("div");
      head.className = "chart-tip-head";
      head.textContent = items.length ? items[0].axisValueLabel || items[0].name : "";
      box.appendChild(head);
      items.forEach(function (item) {
        var row = document.createElement("div");
        row.className = "chart-tip-row";
        var dot = document.createElement("span");
        dot.className = "chart-tip-dot";
        dot.style.backgroundColor = typeof item.color === "string" ? item.color : "#888";
        var name = document.createElement("span");
        name.className = "chart-tip-name";
        name.textContent = item.seriesName;
        var value = document.createElement("strong");
        value.className = "chart-tip-value";
        value.textContent = formatValue(item.value, meta[item.seriesIndex] || { unit: "", digits: 2 });
        row.appendChild(dot);
        row.appendChild(name);
        row.appendChild(value);
        box.appendChild(row);
      });
      return box;
    };
  }

  /* x labels that fit: every one when there is room, else every n-th counted from the last. */
  function xLabels(chart, count) {
    var width = chart.getWidth() - 90; // roughly the plot: the width less the y-axis labels
    var per = width / Math.max(count, 1);
    var rotate = per < 64 ? 45 : 0;
    var step = Math.max(1, Math.ceil((rotate ? 22 : 64) / per));
    return {
      rotate: rotate,
      interval: function (index) {
        return (count - 1 - index) % step === 0;
      },
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart-options"));
    if (!source) {
      return;
    }
    var payload = JSON.parse(source.textContent);
    var option = payload.option;
    var count = option.xAxis.data.length;
    el.style.height = (parseInt(el.getAttribute("data-chart-height"), 10) || 320) + "px";
    el.style.width = "100%";
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    option.tooltip.formatter = tooltip(payload.series);
    option.xAxis.axisLabel = Object.assign({}, option.xAxis.axisLabel, xLabels(chart, count));
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "1");

    function fit() {
      chart.resize();
      chart.setOption({ xAxis: { axisLabel: xLabels(chart, count) } });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(fit).observe(el);
    } else {
      window.addEventListener("resize", fit);
    }
  }

  function drawAll() {
    var nodes = document.querySelectorAll(".chart[data-chart-options]");
    for (var i = 0; i < nodes.length; i++) {
      draw(nodes[i]);
    }
  }

  function start() {
    withEcharts(drawAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

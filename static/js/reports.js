// Charts of the report pages, drawn from the specs of reporting/charts.py (the same
// suppressed tables as the page: a hidden figure is a gap). A chart with nothing to draw
// has no canvas: the page shows why instead. Each canvas is described by the table under it.
(function () {
  var node = document.getElementById("report-charts");
  if (!node || typeof Chart === "undefined") return;
  var specs = JSON.parse(node.textContent);
  var colours = ["#01689b", "#e17000", "#39870c", "#a90061", "#76d2b6", "#8fcae7", "#673327", "#ffb612", "#42145f"];
  var phone = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;

  function datasets(spec) {
    var line = spec.type === "line";
    var out = spec.datasets.map(function (d, i) {
      var colour = colours[i % colours.length];
      return {label: d.label, data: d.data, borderColor: colour, backgroundColor: colour, spanGaps: false,
              borderWidth: line ? 2 : 0, pointRadius: line ? 3 : 0};
    });
    if (spec.norm !== null && spec.norm !== undefined) {
      out.push({type: "line", label: spec.norm_label, data: spec.labels.map(function () { return spec.norm; }),
                borderColor: "#d52b1e", backgroundColor: "#d52b1e", borderDash: [6, 4], pointRadius: 0, borderWidth: 2, fill: false});
    }
    return out;
  }

  specs.forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.key);
    if (!canvas || spec.empty) return;
    var stacked = spec.type === "stacked-bar";
    var horizontal = spec.type !== "line" && (phone || spec.labels.length > 8);
    var valueAxis = {beginAtZero: true, stacked: stacked, title: {display: !!spec.unit, text: spec.unit}};
    var labelAxis = {stacked: stacked, ticks: {autoSkip: true}};
    var scales = horizontal ? {x: valueAxis, y: labelAxis} : {x: labelAxis, y: valueAxis};
    if (horizontal) {
      var box = canvas.parentNode;
      box.style.height = Math.max(12, spec.labels.length * 2.2 + 6) + "rem";
    }
    new Chart(canvas, {
      type: spec.type === "line" ? "line" : "bar",
      data: {labels: spec.labels, datasets: datasets(spec)},
      options: {responsive: true, maintainAspectRatio: false, animation: false, indexAxis: horizontal ? "y" : "x",
                scales: scales, plugins: {legend: {position: "bottom"}}}
    });
    canvas.dataset.rendered = "true";
  });
})();

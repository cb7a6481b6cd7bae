// Charts of the reporting dashboard, drawn from the same (suppressed) tables as the page.
(function () {
  var node = document.getElementById("report-charts");
  if (!node || typeof Chart === "undefined") return;
  var data = JSON.parse(node.textContent);
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { canvas.dataset.rendered = "true"; return new Chart(canvas, config); }
  }
  var nl = document.documentElement.lang !== "en";
  draw("chart-occupancy", {type: "line", data: {labels: data.occupancy.labels, datasets: [
    {label: nl ? "Bezettingsgraad %" : "Occupancy rate %", data: data.occupancy.rate, borderColor: "#01689b", spanGaps: false},
    {label: "Norm " + data.occupancy.norm_percent + "%", data: data.occupancy.norm, borderColor: "#d52b1e", borderDash: [6, 4], pointRadius: 0}]},
    options: {scales: {y: {min: 0, suggestedMax: 100}}}});
  draw("chart-waiting", {type: "bar", data: {labels: data.waiting.labels, datasets: [
    {label: nl ? "Mediaan wachtdagen" : "Median days waiting", data: data.waiting.median, backgroundColor: "#01689b"},
    {label: "P90", data: data.waiting.p90, backgroundColor: "#8fcae7"}]}});
  draw("chart-refusals", {type: "bar", data: {labels: data.refusals.labels, datasets: data.refusals.datasets},
    options: {indexAxis: "y", scales: {x: {stacked: true}, y: {stacked: true}}}});
  draw("chart-transfers", {type: "line", data: {labels: data.transfers.labels, datasets: [
    {label: nl ? "Doorplaatsingen per 100 beëindigd" : "Transfers per 100 ended", data: data.transfers.rate, borderColor: "#39870c"}]},
    options: {scales: {y: {min: 0}}}});
})();

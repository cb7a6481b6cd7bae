// Occupancy rate per day with the 90% norm line (Chart.js). Labels come from the
// canvas' data attributes so they are translated with the page.
(function () {
  var canvas = document.getElementById("occupancy-chart");
  var source = document.getElementById("occupancy-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var series = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: series.map(function (p) { return p.date; }),
      datasets: [
        { label: canvas.dataset.labelRate, data: series.map(function (p) { return p.rate; }),
          borderColor: "#1f4e79", backgroundColor: "rgba(31,78,121,.15)", fill: true, spanGaps: false, pointRadius: 0, stepped: false },
        { label: canvas.dataset.labelNorm, data: series.map(function () { return 90; }),
          borderColor: "#a4000f", borderDash: [6, 4], pointRadius: 0, fill: false }
      ]
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();

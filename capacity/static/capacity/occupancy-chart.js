// Occupancy rate per day with the norm line (Chart.js). Labels and the norm
// (capacity.rules.OCCUPANCY_NORM) come from the canvas' data attributes.
(function () {
  var canvas = document.getElementById("occupancy-chart");
  var source = document.getElementById("occupancy-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var series = JSON.parse(source.textContent);
  var norm = Number(canvas.dataset.norm);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: series.map(function (p) { return p.date; }),
      datasets: [
        { label: canvas.dataset.labelRate, data: series.map(function (p) { return p.rate; }),
          borderColor: "#1f4e79", backgroundColor: "rgba(31,78,121,.15)", fill: true, spanGaps: false, pointRadius: 0, stepped: false },
        { label: canvas.dataset.labelNorm, data: series.map(function () { return norm; }),
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

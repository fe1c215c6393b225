/* The radar chart of an organisation's capacity per area (analysis/results.html).
   It reads the figures the page already shows in its table from the JSON script named
   by data-radar, and draws only when Chart.js is loaded (static/vendor/chartjs/); the
   table is always there, so without Chart.js the page is complete. */
(function () {
  "use strict";

  function draw(box) {
    var source = document.getElementById(box.dataset.radar);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var figures = JSON.parse(source.textContent);
    figures.datasets.forEach(function (dataset) {
      if (dataset.faint) {
        // The cohort's average: a faint overlay under the organisation's own figures.
        dataset.borderDash = [4, 4];
        dataset.borderWidth = 1;
        dataset.pointRadius = 0;
        dataset.backgroundColor = "rgba(108, 117, 125, 0.05)";
        dataset.borderColor = "rgba(108, 117, 125, 0.6)";
      }
    });
    box.hidden = false;
    var canvas = box.querySelector("canvas");
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: "radar",
      data: {labels: figures.labels, datasets: figures.datasets},
      options: {maintainAspectRatio: false, scales: {r: {min: 0, max: 4, ticks: {stepSize: 1}}}}
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-radar]").forEach(draw);
  });
})();

/* Small charts drawn with Chart.js (static/vendor/chartjs), with no inline script:

   {{ figures|json_script:"places-chart-data" }}
   <canvas data-chart="places-chart-data" role="img" aria-label="…"></canvas>

   The JSON holds {"labels": [...], "series": [{"label": ..., "data": [...],
   "tone": "filled" | "remaining" | a status}], "horizontal": true, "stacked": true,
   "max": 4} (max: the value axis's end, for a scale such as 1–4).
   Every chart repeats figures that the page also gives as a table or text, so the
   canvas is an image with a label, and nothing is lost without JavaScript. */
(function () {
  "use strict";

  var TONES = {
    filled: "#198754",
    remaining: "#dee2e6",
    draft: "#adb5bd",
    submitted: "#0a58ca",
    admitted: "#198754",
    waitlisted: "#fd7e14",
    rejected: "#dc3545",
    withdrawn: "#6c757d",
    eligible: "#0dcaf0",
    completed: "#20c997",
    present: "#198754",
    excused: "#fd7e14",
    absent: "#dc3545",
    baseline: "#adb5bd",
    end: "#0a58ca",
    requested: "#6c757d",
    awarded: "#198754"
  };
  var OTHERS = ["#6f42c1", "#20c997", "#0dcaf0", "#ffc107"];

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") {
      return;
    }
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var figures = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    var values = { stacked: !!figures.stacked, beginAtZero: true, ticks: { precision: 0 } };
    var labels = { stacked: !!figures.stacked, beginAtZero: true, ticks: { precision: 0 } };
    if (figures.max) {
      values.max = figures.max;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: figures.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: TONES[series.tone] || OTHERS[index % OTHERS.length],
            borderWidth: 0,
            maxBarThickness: 18
          };
        })
      },
      options: {
        indexAxis: figures.horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } },
          tooltip: { enabled: true }
        },
        scales: figures.horizontal ? { x: values, y: labels } : { x: labels, y: values }
      }
    });
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    drawAll(event.target);
  });
})();

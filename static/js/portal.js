/* The portal's few behaviours, keyed on data attributes so that no page needs an
   inline script, event handler or style (ready for a strict Content-Security-Policy):

   <select data-submit-on-change>       submits its form when another value is chosen
   <form data-confirm="Question?">      asks before it is sent
   <input data-select-on-click>         selects its whole text when clicked (to copy)
   <button data-print>                  prints the page
   <div data-progress="42">             a progress bar as wide as its percentage

   Events are delegated to the document, so content htmx swaps in works too. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) {
      field.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var field = event.target.closest("[data-select-on-click]");
    if (field) {
      field.select();
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  function drawProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var percent = Math.min(Math.max(parseFloat(bar.dataset.progress) || 0, 0), 100);
      bar.style.width = percent + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawProgress(document);
  });
  document.addEventListener("htmx:load", function (event) {
    drawProgress(event.target);
  });
})();

/* The staff's board of bids: a card dragged to another column moves the bid there.
   Dragging only fills in the card's own "Move to" form (which works by keyboard
   on its own) and sends it; a bid dropped on "Awarded" waits for its amount. */
(function () {
  "use strict";

  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".bid-card");
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.bid);
  });

  document.addEventListener("dragend", function () {
    dragged = null;
    document.querySelectorAll(".bid-column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  });

  function columnOf(event) {
    return dragged && event.target.closest ? event.target.closest("[data-board-column]") : null;
  }

  function option(form, status) {
    return form && form.querySelector('select[name="status"] option[value="' + status + '"]');
  }

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event);
    if (column && option(dragged.querySelector("form.bid-move"), column.dataset.boardColumn)) {
      event.preventDefault();
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event);
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event);
    if (!column) {
      return;
    }
    var form = dragged.querySelector("form.bid-move");
    var status = column.dataset.boardColumn;
    if (!option(form, status)) {
      return;
    }
    event.preventDefault();
    form.querySelector('select[name="status"]').value = status;
    var amount = form.querySelector('input[name="amount_awarded"]');
    if (status === "awarded" && amount && !amount.value) {
      amount.focus();
      return;
    }
    form.requestSubmit();
  });
})();

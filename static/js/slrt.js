// Small behaviours the Content-Security-Policy allows (no inline scripts): remove a form row, print.
document.addEventListener("click", function (event) {
  var remove = event.target.closest("[data-remove-row]");
  if (remove) {
    var row = remove.closest("[data-row]");
    if (row) { row.remove(); }
    return;
  }
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

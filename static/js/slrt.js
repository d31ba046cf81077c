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

// A form marked data-confirm asks before it is sent (disabling an account, resetting a password).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);

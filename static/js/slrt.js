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

// While a plain form is being sent its submit buttons are disabled, so a double click or an impatient
// second click on a slow line does not send it twice (the server also refuses a repeated form id).
// Disabled a moment later, not at once: a button disabled during the submit event would drop its own
// name and value (the sign-off's approve/return/reject) from what is sent. htmx forms use hx-disabled-elt.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || !form.matches || !form.matches("form")) { return; }
  if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("hx-post")) { return; }
  var buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  window.setTimeout(function () {
    buttons.forEach(function (button) { button.disabled = true; });
    form.setAttribute("aria-busy", "true");
  }, 0);
  // A download or a stopped page never navigates away: give the buttons back after a while.
  window.setTimeout(function () { enableButtons(form); }, 30000);
});

function enableButtons(form) {
  form.querySelectorAll("[type=submit]:disabled, button:not([type]):disabled").forEach(function (button) {
    button.disabled = false;
  });
  form.removeAttribute("aria-busy");
}

// Back to a page kept in the browser's cache: its buttons must work again.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    document.querySelectorAll("form[aria-busy]").forEach(enableButtons);
  }
});

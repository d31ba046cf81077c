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

// File inputs in the page's language (the field() macro in templates/_macros/forms.html): the browser's own
// "Choose File / No file chosen" follows the browser's language, not the portal's. Once this runs, the box is
// marked enhanced and CSS lays the input, transparent, over an Indonesian button and the chosen file's name:
// the input itself is still what is focused, clicked, dropped on and read out (the name describes it).
// Without this script the native input shows. htmx.onLoad runs it for the page and for every swap.
function enhanceFilePicks(root) {
  var boxes = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-file-pick]") : []);
  if (root.matches && root.matches("[data-file-pick]")) { boxes.push(root); }
  boxes.forEach(function (box) {
    var input = box.querySelector("input[type=file]");
    var chosen = box.querySelector(".file-pick-name");
    if (!input || !chosen || box.classList.contains("enhanced")) { return; }
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(chosen.id) < 0) { described.push(chosen.id); }
    input.setAttribute("aria-describedby", described.join(" "));
    box.classList.add("enhanced");
    showChosenFile(input);
  });
}

function showChosenFile(input) {
  var box = input.closest("[data-file-pick]");
  var chosen = box && box.querySelector(".file-pick-name");
  if (!chosen) { return; }
  var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
  chosen.textContent = names.length ? names.join(", ") : chosen.getAttribute("data-none");
  box.classList.toggle("chosen", names.length > 0);
}

document.addEventListener("change", function (event) {
  var input = event.target;
  if (input.matches && input.matches("[data-file-pick] input[type=file]")) { showChosenFile(input); }
});

// A file dragged over the box lands on the (transparent) input; the box shows where to let go.
["dragenter", "dragover", "dragleave", "drop"].forEach(function (type) {
  document.addEventListener(type, function (event) {
    var box = event.target.closest && event.target.closest("[data-file-pick].enhanced");
    if (box) { box.classList.toggle("dragging", type === "dragenter" || type === "dragover"); }
  });
});

if (window.htmx) {
  window.htmx.onLoad(enhanceFilePicks);
} else {
  document.addEventListener("DOMContentLoaded", function () { enhanceFilePicks(document); });
}

// A date input shows its date in the browser's order ("mm/dd/yyyy" on an English browser), which no page can
// change. Beside a filled one the same date is written out in the page's language ("Senin, 2 Maret 2026"), so
// 03/02 cannot be taken for 3 February. The native input (its picker, its keyboard entry) is left as it is.
function echoDate(input) {
  var echo = input.nextElementSibling;
  if (!echo || !echo.classList.contains("date-echo")) { return; }
  var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
  if (!parts || !window.Intl) { echo.textContent = ""; return; }
  var day = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
  echo.textContent = new Intl.DateTimeFormat(document.documentElement.lang || "id",
    {weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"}).format(day);
}

var dateEchoes = 0;

function addDateEchoes(root) {
  var inputs = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("input[type=date]") : []);
  if (root.matches && root.matches("input[type=date]")) { inputs.push(root); }
  inputs.forEach(function (input) {
    var next = input.nextElementSibling;
    if (!next || !next.classList.contains("date-echo")) {
      var echo = document.createElement("small");
      echo.className = "date-echo";
      echo.id = (input.id || input.name || "date") + "-as-words-" + (++dateEchoes);
      input.insertAdjacentElement("afterend", echo);
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(echo.id);
      input.setAttribute("aria-describedby", described.join(" "));
    }
    echoDate(input);
  });
}

document.addEventListener("input", function (event) {
  if (event.target.matches && event.target.matches("input[type=date]")) { echoDate(event.target); }
});
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches("input[type=date]")) { echoDate(event.target); }
});

if (window.htmx) {
  window.htmx.onLoad(addDateEchoes);
} else {
  document.addEventListener("DOMContentLoaded", function () { addDateEchoes(document); });
}

// The wall screen's link carries its key after "#kunci=": the fragment is never sent in a request line,
// so no log sees it. Take it out of the address bar at once and post it (with the page's CSRF token).
window.addEventListener("DOMContentLoaded", function () {
  var match = /(?:^#|&)kunci=([^&]+)/.exec(window.location.hash);
  if (!match) { return; }
  history.replaceState(null, "", window.location.pathname + window.location.search);
  var form = document.getElementById("wallboard-key");
  form.elements.key.value = decodeURIComponent(match[1]);
  form.submit();
});

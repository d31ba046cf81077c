// The API reference page: Swagger UI (vendored, static/vendor/swagger-ui-dist-*) over the portal's own
// OpenAPI document. No inline script: the page's Content-Security-Policy forbids it.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    validatorUrl: null,
    defaultModelsExpandDepth: 0
  });
});

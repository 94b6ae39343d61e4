// The application and dossier pages (loaded with defer; no inline script under the CSP).
// 1. The error summary takes the focus when the page loads, so a screen reader reads it first.
// 2. A service row's scope list offers only the chosen service's scopes (each option's data-code); the
//    server refuses any other scope on its own (web/forms.py ServiceForm.clean).
// 3. A link with data-opens-dialog opens that <dialog> instead of its confirmation page; a button with
//    data-closes-dialog closes it.
// 4. Once a field of the dossier form changes, the banner says that the determination shown belongs to
//    the last saved version.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function filterScopes(serviceSelect) {
    var row = serviceSelect.closest("tr");
    var scopeSelect = row && row.querySelector("[data-scope-select]");
    if (!scopeSelect) {
      return;
    }
    var code = serviceSelect.value;
    var offered = 0;
    Array.prototype.forEach.call(scopeSelect.options, function (option) {
      var own = !option.value || option.getAttribute("data-code") === code;
      option.hidden = !own;
      option.disabled = !own;
      if (own && option.value) {
        offered += 1;
      }
      if (!own && option.selected) {
        scopeSelect.value = "";
      }
    });
    scopeSelect.disabled = offered === 0;
  }

  function wireScopes() {
    document.querySelectorAll("[data-service-select]").forEach(function (select) {
      filterScopes(select);
      select.addEventListener("change", function () {
        filterScopes(select);
      });
    });
  }

  function wireDialogs() {
    document.querySelectorAll("[data-opens-dialog]").forEach(function (link) {
      var dialog = document.getElementById(link.getAttribute("data-opens-dialog"));
      if (!dialog || typeof dialog.showModal !== "function") {
        return; // no <dialog> support: the link leads to the confirmation page
      }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
      });
      dialog.querySelectorAll("[data-closes-dialog]").forEach(function (button) {
        button.addEventListener("click", function () {
          dialog.close();
          link.focus();
        });
      });
    });
  }

  function wireUnsavedBanner() {
    var banner = document.querySelector("[data-unsaved-banner]");
    var form = document.querySelector("form[data-dossier-form]");
    if (!banner || !form) {
      return;
    }
    function show() {
      banner.hidden = false;
    }
    form.addEventListener("input", show);
    form.addEventListener("change", show);
  }

  function start() {
    focusSummary();
    wireScopes();
    wireDialogs();
    wireUnsavedBanner();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* The app's own script (the dashboard's charts and the quick exit are in page.js):
   navigation that leaves one history entry, the upload with its progress bar, and htmx hooks. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Move between pages by replacing the history entry instead of adding one, so that after a
  // quick exit the Back button has no page of the app to return to.
  function go(url) {
    window.location.replace(url);
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return;
    if (link.origin !== window.location.origin) return;
    if (link.hash && link.pathname === window.location.pathname &&
        link.search === window.location.search) return;
    event.preventDefault();
    go(link.href);
  });

  // Every request htmx sends carries the page's CSRF token (the server refuses a change
  // without it; another site cannot read it from this page).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector("meta[name='csrf-token']");
    if (meta && event.detail && event.detail.headers) {
      event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
  });

  // The server asks to open a page once an import or a choice is done.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.querySelector) return;
    var next = target.querySelector("a[data-go='1']");
    if (next) go(next.href);
  });

  // Charts arriving in new content (the date filter) are drawn like the first ones.
  document.addEventListener("htmx:load", function (event) {
    if (window.pushpull && event.detail && event.detail.elt) {
      window.pushpull.drawCharts(event.detail.elt);
    }
  });

  function setUpUpload() {
    var form = document.getElementById("upload");
    if (!form) return;
    var input = document.getElementById("export-file");
    var zone = document.getElementById("dropzone");
    var block = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-bar");
    var button = form.querySelector(".import-button");
    if (button) button.hidden = true;

    function send() {
      if (input.files && input.files.length) form.requestSubmit();
    }
    input.addEventListener("change", send);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        send();
      }
    });
    form.addEventListener("htmx:beforeRequest", function () {
      bar.value = 0;
      block.hidden = false;
    });
    form.addEventListener("htmx:xhr:progress", function (event) {
      var detail = event.detail;
      if (detail && detail.lengthComputable && detail.total > 0) {
        bar.value = Math.round(100 * detail.loaded / detail.total);
      }
    });
    form.addEventListener("htmx:afterRequest", function () {
      block.hidden = true;
      form.reset();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpUpload);
  } else {
    setUpUpload();
  }
})();

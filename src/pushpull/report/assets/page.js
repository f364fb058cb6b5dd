/* pushpull's page script, shared by the app and the self-contained report: draws the charts,
   runs the quick exit, and opens every collapsed section before printing. */
(function () {
  "use strict";

  var EXIT_WINDOW_MS = 1500; // two presses of Esc within this time leave the page

  function drawCharts(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var charts = scope.querySelectorAll(".chart[data-figure]");
    for (var i = 0; i < charts.length; i++) {
      var element = charts[i];
      if (element.getAttribute("data-drawn") === "1") continue;
      var source = element.getAttribute("data-figure");
      if (!source) continue;
      if (!window.Plotly) {
        element.classList.add("no-chart");
        var table = element.parentNode.querySelector("details.chart-table");
        if (table) table.open = true;
        continue;
      }
      var figure = JSON.parse(source);
      element.setAttribute("data-drawn", "1");
      window.Plotly.newPlot(element, figure.data, figure.layout, {
        displayModeBar: false,
        displaylogo: false,
        responsive: true
      });
    }
  }

  function quickExit() {
    var target = document.body.getAttribute("data-exit") || "about:blank";
    document.title = "";
    document.body.replaceChildren();
    window.location.replace(target);
  }

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < EXIT_WINDOW_MS) {
      quickExit();
    }
    lastEscape = now;
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("#quick-exit")) {
      event.preventDefault();
      quickExit();
    }
  });

  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < closed.length; i++) {
      closed[i].open = true;
      openedForPrint.push(closed[i]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (openedForPrint.length) openedForPrint.pop().open = false;
  });

  window.pushpull = { drawCharts: drawCharts, quickExit: quickExit };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  } else {
    drawCharts(document);
  }
})();

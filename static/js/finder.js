// Progressive enhancement only: every page works without this file.
// After htmx shows a new question, move focus to its heading (or to the error
// summary), so screen-reader and keyboard users start at the new content.
// Focus never moves on other swaps.
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.elt;
  if (!target || !target.querySelector) {
    return;
  }
  var focus = target.querySelector("[data-focus-after-swap]");
  if (focus) {
    focus.focus();
  }
});

// The language link names the address the page was first served at. After htmx pushes
// a new address (the next question, a new order of results), point it at that same
// address in its own language, so switching keeps the place and the answers.
document.addEventListener("htmx:pushedIntoHistory", function () {
  var prefix = "/" + document.documentElement.lang + "/";
  if (location.pathname.indexOf(prefix) !== 0) {
    return;
  }
  var rest = location.pathname.slice(prefix.length) + location.search;
  document.querySelectorAll(".language-switch a[hreflang]").forEach(function (link) {
    link.setAttribute("href", "/" + link.getAttribute("hreflang") + "/" + rest);
  });
});

// A page that arrives with errors (a tampered link, the counselor form) starts at its
// error summary, as a question swapped in by htmx does.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) {
    summary.focus();
  }
});

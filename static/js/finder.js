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

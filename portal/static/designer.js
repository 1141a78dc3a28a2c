// The form designer's editor, enhanced: every page works without this file.
(function () {
  "use strict";

  var editor = document.getElementById("definition");
  if (!editor || editor.tagName !== "TEXTAREA") { return; }

  // Offset of the first character of a 1-based line and column in the textarea's text.
  function offsetOf(line, column) {
    var lines = editor.value.split("\n");
    var offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { offset += lines[i].length + 1; }
    return offset + Math.max(0, (column || 1) - 1);
  }

  // "Line 12, column 5" links: select that line in the editor and scroll it into view.
  document.querySelectorAll("a[data-line]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var line = parseInt(link.getAttribute("data-line"), 10);
      var start = offsetOf(line, 1);
      var end = editor.value.indexOf("\n", start);
      editor.focus();
      editor.setSelectionRange(offsetOf(line, parseInt(link.getAttribute("data-column"), 10)),
        end === -1 ? editor.value.length : end);
      var lineHeight = parseFloat(window.getComputedStyle(editor).lineHeight) || 18;
      editor.scrollTop = Math.max(0, (line - 5) * lineHeight);
    });
  });

  // Tab indents only when the person switched it on, and Escape switches it off again,
  // so that the keyboard can always leave the editor (WCAG 2.1.2, no keyboard trap).
  var option = document.querySelector("[data-tab-option]");
  var toggle = document.getElementById("tab-indents");
  if (option && toggle) {
    option.hidden = false;
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { toggle.checked = false; return; }
      if (event.key !== "Tab" || !toggle.checked || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();
      var start = editor.selectionStart;
      var end = editor.selectionEnd;
      if (event.shiftKey) {
        var lineStart = editor.value.lastIndexOf("\n", start - 1) + 1;
        if (editor.value.slice(lineStart, lineStart + 2) === "  ") {
          editor.setRangeText("", lineStart, lineStart + 2, "preserve");
        }
        return;
      }
      editor.setRangeText("  ", start, end, "end");
    });
  }

  // Leaving the page with unsaved changes asks first: nothing typed is lost by accident.
  var saved = editor.value;
  var form = editor.form;
  form.addEventListener("submit", function () { saved = editor.value; });
  window.addEventListener("beforeunload", function (event) {
    if (editor.value !== saved) { event.preventDefault(); event.returnValue = ""; }
  });
})();

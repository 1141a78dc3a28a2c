// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it at once.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // Error summary links: focus the input and scroll its label into view.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) { return; }
      event.preventDefault();
      var legendOrLabel = input.closest("fieldset") ?
        input.closest("fieldset").querySelector("legend") :
        document.querySelector("label[for='" + input.id + "']");
      (legendOrLabel || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  });

  // Conditional reveal: a field that depends on a choice on this page shows once it applies.
  var form = document.querySelector("main form[method='post']");
  var dependants = document.querySelectorAll("[data-reveal-name]");
  function chosen(name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }
  function update() {
    dependants.forEach(function (wrapper) {
      var wanted = JSON.parse(wrapper.getAttribute("data-reveal-values"));
      var show = chosen(wrapper.getAttribute("data-reveal-name")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      // Never hide a field that carries an error message: the citizen must see it.
      wrapper.hidden = !show && !wrapper.querySelector(".error-message");
    });
  }
  if (form && dependants.length) {
    form.addEventListener("change", update);
    update();
  }

  // A second click on "send" while the first is on its way must not send twice.
  document.querySelectorAll("[data-prevent-double-click]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (button.dataset.sent) { event.preventDefault(); }
      button.dataset.sent = "1";
    });
  });
})();

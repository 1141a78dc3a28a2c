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

  // Timeout warning (GOV.UK pattern): a page left open closes after a while without a request
  // (portal/wizard/idle.py); some minutes before, a modal dialog offers to stay. Its countdown
  // is read out once a minute, and every 15 seconds in the last minute, not every second.
  var dialog = document.getElementById("timeout-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var idleMs = Number(dialog.dataset.idleSeconds) * 1000;
    var warnMs = Number(dialog.dataset.warnSeconds) * 1000;
    var countdown = dialog.querySelector("[data-countdown]");
    var announce = dialog.querySelector("[data-countdown-announce]");
    var token = dialog.querySelector("input[name='csrf_token']");
    var deadline, warnTimer, tick;
    var remainingText = function (ms) {
      var seconds = Math.max(0, Math.ceil(ms / 1000));
      if (seconds > 60) {
        return countdown.dataset.templateMinutes.replace("%(minutes)s", String(Math.ceil(seconds / 60)));
      }
      if (seconds === 60) { return countdown.dataset.templateMinute; }
      return countdown.dataset.templateSeconds.replace("%(seconds)s", String(seconds));
    };
    var update = function () {
      var left = deadline - Date.now();
      if (left <= 0) {
        clearInterval(tick);
        window.location.href = dialog.dataset.closedUrl;
        return;
      }
      var text = remainingText(left);
      if (countdown.textContent !== text) { countdown.textContent = text; }
      var seconds = Math.ceil(left / 1000);
      if (seconds % 60 === 0 || (seconds <= 60 && seconds % 15 === 0)) { announce.textContent = text; }
    };
    var warn = function () {
      update();
      dialog.showModal();
      tick = setInterval(update, 1000);
    };
    var start = function () {
      deadline = Date.now() + idleMs;
      clearTimeout(warnTimer);
      clearInterval(tick);
      warnTimer = setTimeout(warn, Math.max(0, idleMs - warnMs));
    };
    var keepOpen = function () {
      var body = new URLSearchParams();
      if (token) { body.append("csrf_token", token.value); }
      fetch(dialog.dataset.keepOpenUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          if (response.status !== 204) { window.location.href = dialog.dataset.closedUrl; return; }
          if (dialog.open) { dialog.close(); }
          start();
        });
    };
    dialog.querySelector("[data-keep-open]").addEventListener("click", keepOpen);
    // Escape means "stay", as the dialog's first button does.
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); keepOpen(); });
    start();
  }

  // The summary's "print" button: only with JavaScript (a browser prints the page anyway).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // A second click on "send" while the first is on its way must not send twice.
  document.querySelectorAll("[data-prevent-double-click]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (button.dataset.sent) { event.preventDefault(); }
      button.dataset.sent = "1";
    });
  });
})();

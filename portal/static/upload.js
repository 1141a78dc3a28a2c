// Upload progress: progressive enhancement only. Without this file the step is an ordinary
// multipart form and works the same; with it, the same form is sent by XMLHttpRequest so
// that the citizen sees how far a large upload has got. No inline script, no eval: CSP-safe.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData) { return; }

  var TEXTS = {
    de: { progress: "Wird hochgeladen: %s %", failed: "Die Verbindung wurde unterbrochen. Ihre Datei ist nicht angekommen, alles andere ist gespeichert. Bitte versuchen Sie es noch einmal." },
    en: { progress: "Uploading: %s %", failed: "The connection was interrupted. Your file did not arrive; everything else is saved. Please try again." },
    uk: { progress: "Завантаження: %s %", failed: "З’єднання перервано. Ваш файл не надійшов, усе інше збережено. Будь ласка, спробуйте ще раз." },
    tr: { progress: "Yükleniyor: %%s", failed: "Bağlantı kesildi. Dosyanız ulaşmadı, diğer her şey kaydedildi. Lütfen tekrar deneyin." },
    ar: { progress: "جارٍ الرفع: %s٪", failed: "انقطع الاتصال. لم يصل ملفك، وكل ما عدا ذلك محفوظ. يرجى المحاولة مرة أخرى." }
  };
  var lang = (document.documentElement.lang || "de").slice(0, 2);
  var text = TEXTS[lang] || TEXTS.de;

  function chosenFiles(form) {
    var inputs = form.querySelectorAll("input[type='file']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) { return true; }
    }
    return false;
  }

  function statusArea(form, after) {
    var area = form.querySelector(".upload-progress");
    if (!area) {
      area = document.createElement("div");
      area.className = "upload-progress";
      area.setAttribute("role", "status");
      area.setAttribute("aria-live", "polite");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var label = document.createElement("span");
      label.className = "upload-progress__text";
      area.appendChild(bar);
      area.appendChild(label);
    }
    after.insertAdjacentElement("afterend", area);
    return area;
  }

  function show(area, percent, message) {
    var bar = area.querySelector("progress");
    if (percent === null) { bar.removeAttribute("value"); } else { bar.value = percent; }
    bar.hidden = message !== undefined;
    area.querySelector(".upload-progress__text").textContent =
      message !== undefined ? message : text.progress.replace("%s", percent === null ? "…" : percent);
  }

  function setBusy(form, busy) {
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = busy; }
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  // The step's buttons are named "action", which hides form.action: read the attribute.
  function target(form) {
    return new URL(form.getAttribute("action") || "", window.location.href).href;
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter.name) { data.append(submitter.name, submitter.value); }
    var area = statusArea(form, submitter);
    var lastAnnounced = -1;
    var request = new XMLHttpRequest();
    request.open("POST", target(form));
    request.upload.addEventListener("progress", function (event) {
      var percent = event.lengthComputable ? Math.floor(100 * event.loaded / event.total) : null;
      // Screen readers hear every tenth percent, not a hundred announcements.
      if (percent === null || percent >= lastAnnounced + 10 || percent === 100) {
        lastAnnounced = percent === null ? lastAnnounced : percent;
        show(area, percent);
      } else {
        area.querySelector("progress").value = percent;
      }
    });
    request.addEventListener("load", function () {
      // Show the page the server answered with. After a redirect (the step is done, or the
      // draft was saved) that is the next page, already fetched: fetching it again would
      // repeat a one-time page such as the resume code.
      if (request.responseURL && request.responseURL !== target(form)) {
        window.history.replaceState(null, "", request.responseURL);
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    function failed() {
      setBusy(form, false);
      show(area, 0, text.failed);
    }
    request.addEventListener("error", failed);
    request.addEventListener("abort", failed);
    setBusy(form, true);
    show(area, 0);
    request.send(data);
  }

  document.querySelectorAll("form[enctype='multipart/form-data']").forEach(function (form) {
    if (!form.querySelector("input[type='file']")) { return; }
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      // Only when a file is on its way; a removal or a page without new files goes as usual.
      if (!submitter || !chosenFiles(form) || submitter.name === "remove") { return; }
      event.preventDefault();
      send(form, submitter);
    });
  });
})();

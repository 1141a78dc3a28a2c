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

  // Conditions on the same page: a question that depends on answers of this page shows
  // while its condition holds. The condition comes as its syntax tree (data-condition),
  // read by the same rules as the engine's (portal/engine/conditions.py, docs/conditions.md).
  var form = document.querySelector("main form[method='post']");
  var pageData = { answers: {}, today: "" };
  var dependants = document.querySelectorAll("[data-condition]");
  var computed = document.querySelectorAll("[data-derived]");
  if (form && (dependants.length || computed.length) && window.BigInt) {
    var block = document.getElementById("reveal-answers");
    if (block) { pageData = JSON.parse(block.textContent); }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  function update() {
    computed.forEach(showComputed);
    dependants.forEach(function (wrapper) {
      var show;
      try {
        show = truthy(evaluate(JSON.parse(wrapper.getAttribute("data-condition")), pageAnswers()));
      } catch (error) {
        show = true;  // as without JavaScript: the engine decides on submission
      }
      // Never hide a field that carries an error message: the citizen must see it.
      wrapper.hidden = !show && !wrapper.querySelector(".error-message");
    });
  }

  function pageAnswers() {
    var answers = {};
    Object.keys(pageData.answers).forEach(function (name) { answers[name] = pageData.answers[name]; });
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var name = wrapper.getAttribute("data-field");
      // A hidden question has no answer, so what depends on it hides too.
      var value = wrapper.hidden ? null : read(JSON.parse(wrapper.getAttribute("data-collect")), name);
      var kind = wrapper.getAttribute("data-number");
      answers[name] = kind && value !== null ? typedNumber(value, kind) : value;
      if (wrapper.hasAttribute("data-derived")) {
        answers[name] = wrapper.hidden ? null : derive(JSON.parse(wrapper.getAttribute("data-derived")), answers);
      }
    });
    return answers;
  }

  // A computed value as the engine stores it: rounded as its format says (types/computed.py).
  function derive(spec, answers) {
    var value;
    try { value = plain(evaluate(spec.expression, answers)); } catch (error) { return null; }
    if (!isNum(value)) { return null; }
    var rounded = roundNum(value, spec.decimals);
    return spec.format === "number" ? rounded : numText(rounded);
  }

  function showComputed(wrapper) {
    var spec = JSON.parse(wrapper.getAttribute("data-derived"));
    var output = wrapper.querySelector("output");
    var value = derive(spec, pageAnswers());
    if (!output || value === null) { return; }
    var number = Number(numText(toNum(value))), lang = document.documentElement.lang || "de";
    var options = spec.format === "money" ? { style: "currency", currency: spec.currency } :
      { minimumFractionDigits: spec.decimals, maximumFractionDigits: spec.decimals };
    var unit = output.getAttribute("data-unit");
    output.textContent = new Intl.NumberFormat(lang, options).format(number) + (unit ? " " + unit : "");
  }

  function read(how, name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    if (Array.isArray(how)) {  // a kind with a default: ["text", "DE"]
      var given = read(how[0], name);
      return given === null ? how[1] : given;
    }
    if (how && typeof how === "object") {
      var parts = {}, any = false;
      Object.keys(how).forEach(function (part) {
        var value = read(how[part], name + "-" + part);
        if (value !== null) { parts[part] = value; any = true; }
      });
      if (Object.keys(how).join() === "day,month,year") { return isoDate(parts); }
      return any ? parts : null;
    }
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value.trim()) {
        values.push(input.value.trim());
      }
    });
    if (how === "flag") { return values.length > 0; }
    if (how === "multiple") { return values.length ? values : null; }
    if (how === "files") { return null; }
    return values.length ? values[0] : null;
  }

  function isoDate(parts) {
    var d = parseInt(parts.day, 10), m = parseInt(parts.month, 10), y = parts.year;
    if (!/^[0-9]{4}$/.test(y || "") || !(d >= 1 && d <= 31) || !(m >= 1 && m <= 12)) { return null; }
    var check = new Date(Date.UTC(+y, m - 1, d));
    if (check.getUTCDate() !== d) { return null; }
    return y + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
  }

  // A number as typed on a page in this language ("1.234,50" in German) -> the answer.
  function typedNumber(text, kind) {
    var t = String(text).replace(/[\s\u00a0\u202f€]/g, "").replace("\u2212", "-");
    if ((document.documentElement.lang || "de").slice(0, 2) === "en") {
      t = t.replace(/,/g, "");
    } else if (t.indexOf(",") !== -1) {
      t = t.replace(/\./g, "").replace(",", ".");
    } else if (!/^-?[0-9]+\.[0-9]{1,2}$/.test(t)) {
      t = t.replace(/\./g, "");
    }
    var number = decimalText(t);
    if (number === null) { return null; }
    if (kind === "int") { return number.s === 0 || /\.0+$/.test(t) ? integral(number) : null; }
    return t;
  }

  // For the tests that hold this evaluator against the engine's (tests/engine).
  window.amtswegCondition = function (tree, answers, today) {
    pageData = { answers: {}, today: today };
    return truthy(evaluate(tree, answers));
  };

  // -- the condition language ---------------------------------------------------------
  // Exact numbers: {n: BigInt, s: scale}, the value n / 10^s (the engine uses Decimal).
  function isNum(v) { return v !== null && typeof v === "object" && typeof v.n === "bigint"; }
  function num(n, s) { return { n: n, s: s }; }
  function integral(x) { return num(x.n / pow10(x.s), 0); }
  function pow10(s) { return BigInt(10) ** BigInt(s); }
  function decimalText(t) {
    var m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(t);
    if (!m) { return null; }
    var frac = m[3] || "";
    return num(BigInt(m[1] + m[2] + frac), frac.length);
  }
  function plain(v) {
    if (v === undefined) { return null; }
    if (typeof v === "number") {
      return isFinite(v) ? decimalText(Number.isInteger(v) ? v.toFixed(0) : String(v)) || OPAQUE : OPAQUE;
    }
    return v;
  }
  var OPAQUE = { opaque: true };
  function isNumber(v) { return isNum(v); }
  function toNum(v) {
    if (isNum(v)) { return v; }
    return typeof v === "string" ? decimalText(v) : null;
  }
  function compareNum(x, y) {
    var s = Math.max(x.s, y.s), a = x.n * pow10(s - x.s), b = y.n * pow10(s - y.s);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v) && !isNum(v) && v !== OPAQUE;
  }
  function empty(v) {
    return v === null || v === "" || (Array.isArray(v) && !v.length) ||
      (isObject(v) && !Object.keys(v).length);
  }
  function truthy(v) { return v !== false && !empty(plain(v)); }
  function equal(a, b, depth) {
    a = plain(a); b = plain(b);
    if (a === null || b === null || typeof a === "boolean" || typeof b === "boolean") { return a === b; }
    if (isNumber(a) || isNumber(b)) {
      var x = toNum(a), y = toNum(b);
      return x !== null && y !== null && compareNum(x, y) === 0;
    }
    if (typeof a === "string" && typeof b === "string") { return a === b; }
    if ((depth || 0) > 32) { return false; }
    if (Array.isArray(a) && Array.isArray(b)) {
      return a.length === b.length && a.every(function (item, i) { return equal(item, b[i], (depth || 0) + 1); });
    }
    if (isObject(a) && isObject(b)) {
      var keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every(function (k) {
        return Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k], (depth || 0) + 1);
      });
    }
    return false;
  }
  function codePoints(t) { return Array.from(t, function (c) { return c.codePointAt(0); }); }
  function order(a, b) {
    a = plain(a); b = plain(b);
    if (isNumber(a) || isNumber(b)) {
      var x = toNum(a), y = toNum(b);
      return x === null || y === null ? null : compareNum(x, y);
    }
    if (typeof a === "string" && typeof b === "string") {
      var dx = decimalText(a), dy = decimalText(b);
      if (dx !== null && dy !== null) { return compareNum(dx, dy); }
      var p = codePoints(a), q = codePoints(b);
      for (var i = 0; i < Math.min(p.length, q.length); i++) {
        if (p[i] !== q[i]) { return p[i] < q[i] ? -1 : 1; }
      }
      return p.length === q.length ? 0 : p.length < q.length ? -1 : 1;
    }
    return null;
  }
  function lookup(answers, path) {
    var value = answers;
    for (var i = 0; i < path.length; i++) {
      if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, path[i])) { return null; }
      value = value[path[i]];
    }
    return plain(value);
  }
  function compare(op, left, right) {
    if (op === "in" || op === "not in") {
      var found = Array.isArray(right) && right.some(function (item) { return equal(left, item); });
      return found === (op === "in");
    }
    if (op === "==" || op === "!=") { return equal(left, right) === (op === "=="); }
    var o = order(left, right);
    if (o === null) { return false; }
    return { "<": o < 0, "<=": o <= 0, ">": o > 0, ">=": o >= 0 }[op];
  }
  function numText(x) {
    var negative = x.n < 0, digits = (negative ? -x.n : x.n).toString();
    if (x.s > 0) {
      while (digits.length <= x.s) { digits = "0" + digits; }
      digits = digits.slice(0, digits.length - x.s) + "." + digits.slice(digits.length - x.s);
    }
    return (negative ? "-" : "") + digits;
  }
  function sign(n) { return n < 0 ? BigInt(-1) : BigInt(1); }
  function abs(n) { return n < 0 ? -n : n; }
  // Halves away from zero, as round() in the engine.
  function roundNum(x, places) {
    if (x.s <= places) { return num(x.n * pow10(places - x.s), places); }
    var factor = pow10(x.s - places), q = x.n / factor, r = abs(x.n % factor);
    if (BigInt(2) * r >= factor) { q += sign(x.n); }
    return num(q, places);
  }
  function arithmetic(values, ops) {
    var numbers = values.map(function (v) { return toNum(plain(v)); });
    if (numbers.some(function (n) { return n === null; })) { return null; }
    var result = numbers[0];
    for (var i = 0; i < ops.length; i++) {
      var x = result, y = numbers[i + 1], s = Math.max(x.s, y.s);
      var a = x.n * pow10(s - x.s), b = y.n * pow10(s - y.s);
      if (ops[i] === "+") { result = num(a + b, s); }
      else if (ops[i] === "-") { result = num(a - b, s); }
      else if (ops[i] === "*") { result = num(x.n * y.n, x.s + y.s); }
      else {
        if (y.n === BigInt(0)) { return null; }
        // the quotient rounded half to even to 10 places, as the engine does
        var n = x.n * pow10(y.s + 10), d = y.n * pow10(x.s);
        var q = n / d, r = abs(n % d), twice = BigInt(2) * r, ad = abs(d);
        if (twice > ad || (twice === ad && q % BigInt(2) !== BigInt(0))) { q += sign(n) * sign(d); }
        result = num(q, 10);
      }
    }
    return result;
  }
  function entries(value) { return Array.isArray(value) ? value : []; }
  function literal(node) { return node[0] === "num" ? decimalText(node[1]) : node[1]; }
  function evaluate(node, answers) {
    switch (node[0]) {
      case "num": case "lit": return literal(node);
      case "list": return node[1].map(literal);
      case "name": return lookup(answers, node[1]);
      case "not": return !truthy(evaluate(node[1], answers));
      case "and": return node[1].every(function (n) { return truthy(evaluate(n, answers)); });
      case "or": return node[1].some(function (n) { return truthy(evaluate(n, answers)); });
      case "cmp": return compare(node[1], evaluate(node[2], answers), evaluate(node[3], answers));
      case "call": return call(node[1], node[2], answers);
      case "arith": return arithmetic(node[1].map(function (n) { return evaluate(n, answers); }), node[2]);
    }
    throw new Error("unknown node " + node[0]);
  }
  function call(fn, args, answers) {
    if (fn === "today") { return pageData.today; }
    if (fn === "sum") {
      var path = args[0][1], total = num(BigInt(0), 0);
      entries(lookup(answers, path.slice(0, 1))).forEach(function (entry) {
        var x = toNum(lookup(entry, path.slice(1)));
        if (x !== null) { total = arithmetic([total, x], ["+"]); }
      });
      return total;
    }
    if (fn === "any" || fn === "all" || (fn === "count" && args.length === 2)) {
      var results = entries(lookup(answers, args[0][1])).map(function (entry) {
        var context = answers;
        if (isObject(entry)) { context = Object.assign({}, answers, entry); }
        return truthy(evaluate(args[1], context));
      });
      var holds = results.filter(function (r) { return r; }).length;
      if (fn === "count") { return num(BigInt(holds), 0); }
      return fn === "any" ? holds > 0 : holds === results.length;
    }
    if (fn === "min" || fn === "max") {
      var best = null;
      args.forEach(function (arg) {
        var x = toNum(plain(evaluate(arg, answers)));
        if (x !== null && (best === null || compareNum(x, best) === (fn === "min" ? -1 : 1))) { best = x; }
      });
      return best;
    }
    if (fn === "round") {
      var x = toNum(plain(evaluate(args[0], answers)));
      var places = args.length > 1 ? toNum(plain(evaluate(args[1], answers))) : num(BigInt(0), 0);
      if (x === null || places === null || compareNum(places, integral(places)) !== 0) { return null; }
      var p = Number(integral(places).n);
      return p >= 0 && p <= 10 ? roundNum(x, p) : null;
    }
    var value = evaluate(args[0], answers);
    if (fn === "empty") { return empty(plain(value)); }
    if (fn === "count") { return num(BigInt(Array.isArray(value) ? value.length : 0), 0); }
    throw new Error("unknown function " + fn);
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

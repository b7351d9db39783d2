// OSIC Flow: a little help where a browser runs script; every flow works without it.
"use strict";
(function () {
  document.documentElement.dataset.js = "on";  // tests tell a page whose script ran
  // A form sent twice (a double click, an impatient Enter) would act twice: the second
  // is refused by the server as stale, but it is kinder not to send it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // A disabled button is left out of what the form sends: keep the one pressed, for
    // forms whose buttons say what to do (close or open a day).
    var pressed = event.submitter;
    if (pressed && pressed.name) {
      var kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = pressed.name;
      kept.value = pressed.value;
      form.appendChild(kept);
    }
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  });
  // Persian and Arabic digits typed into number and date fields become Latin digits as
  // the person types (the server accepts either; this only shows what will be read).
  var persian = "۰۱۲۳۴۵۶۷۸۹", arabic = "٠١٢٣٤٥٦٧٨٩";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[inputmode=decimal]")) return;
    input.value = input.value.replace(/[۰-۹٠-٩]/g, function (d) {
      var i = persian.indexOf(d);
      return String(i >= 0 ? i : arabic.indexOf(d));
    });
  });
  // After an action is refused, bring the first field in error into view and focus.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
})();
// A page restored by the Back button keeps its sent marks: clear them so it works again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  var forms = document.querySelectorAll("form[data-sent]");
  for (var i = 0; i < forms.length; i++) {
    delete forms[i].dataset.sent;
    var buttons = forms[i].querySelectorAll("button");
    for (var j = 0; j < buttons.length; j++) buttons[j].disabled = false;
  }
});
// A Solar Hijri date picker for date fields (issue 35): a month grid with the office's
// days off marked, opened from a button beside the field. Typing 1406/01/15, ۱۴۰۶/۰۱/۱۵
// or 2027-04-04 keeps working without it. The calendar arithmetic is the 33-year cycle
// with its table of breaks, as the server's (engine/jalali.cc).
(function () {
  var BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
                2394, 2456, 3178];
  var DAY = 86400000;
  function div(a, b) { return ~~(a / b); }
  function mod(a, b) { return a - ~~(a / b) * b; }
  function yearInfo(jy) {
    var gy = jy + 621, leapJ = -14, jp = BREAKS[0], jump = 0, i, n, leap;
    for (i = 1; i < BREAKS.length; i++) {
      jump = BREAKS[i] - jp;
      if (jy < BREAKS[i]) break;
      leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
      jp = BREAKS[i];
    }
    n = jy - jp;
    leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
    if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
    var leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
    if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
    leap = mod(mod(n + 1, 33) - 1, 4);
    if (leap === -1) leap = 4;
    return { leap: leap, gy: gy, march: 20 + leapJ - leapG };
  }
  function firstDay(info) { return Date.UTC(info.gy, 2, info.march) / DAY; }
  function monthLength(y, m) { return m <= 6 ? 31 : m <= 11 ? 30 : (yearInfo(y).leap === 0 ? 30 : 29); }
  function fromJalali(y, m, d) { return firstDay(yearInfo(y)) + (m - 1) * 31 - div(m, 7) * (m - 7) + d - 1; }
  function toJalali(days) {
    var jy = new Date(days * DAY).getUTCFullYear() - 621, info = yearInfo(jy), k = days - firstDay(info);
    if (k >= 0) {
      if (k <= 185) return [jy, 1 + div(k, 31), mod(k, 31) + 1];
      k -= 186;
    } else {
      jy -= 1;
      k += 179;
      if (info.leap === 1) k += 1;
    }
    return [jy, 7 + div(k, 30), mod(k, 30) + 1];
  }

  var fa = document.documentElement.lang === "fa";
  var MONTHS = fa ? ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
                  : ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar",
                     "Dey", "Bahman", "Esfand"];
  var WEEK = fa ? ["ش", "ی", "د", "س", "چ", "پ", "ج"] : ["Sa", "Su", "Mo", "Tu", "We", "Th", "Fr"];
  var WORDS = fa ? { open: "تقویم", previous: "ماه پیش", next: "ماه بعد", close: "بستن" }
                 : { open: "Calendar", previous: "Previous month", next: "Next month", close: "Close" };
  function digits(text) {
    return fa ? String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(text);
  }
  function latin(text) {
    return text.replace(/[۰-۹]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹".indexOf(d); })
               .replace(/[٠-٩]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩".indexOf(d); });
  }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  // The month a field's text names, or this month.
  function monthOf(text) {
    var t = latin(text.trim()), m = t.match(/^(\d{4})[\/-](\d{1,2})[\/-](\d{1,2})$/), j;
    if (m && +m[1] >= 1700) j = toJalali(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY);
    else if (m) j = [+m[1], +m[2], +m[3]];
    else j = toJalali(Math.floor((Date.now() + 3.5 * 3600000) / DAY));  // Tehran's date
    return { y: j[0], m: Math.min(Math.max(j[1], 1), 12), d: j[2] };
  }
  function element(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function open(input, button) {
    var old = document.querySelector(".jpicker");
    if (old) { old.remove(); if (old.input === input) return; }
    var at = monthOf(input.value), box = element("div", "jpicker");
    box.input = input;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : WORDS.open);
    button.setAttribute("aria-expanded", "true");
    function close() {
      box.remove();
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
    function draw() {
      while (box.firstChild) box.removeChild(box.firstChild);
      var head = element("div", "jpicker-head"),
          prev = element("button", "small", fa ? "›" : "‹"), next = element("button", "small", fa ? "‹" : "›");
      prev.type = next.type = "button";
      prev.setAttribute("aria-label", WORDS.previous);
      next.setAttribute("aria-label", WORDS.next);
      prev.dataset.move = "-1";
      next.dataset.move = "1";
      head.appendChild(prev);
      head.appendChild(element("strong", "jpicker-title", MONTHS[at.m - 1] + " " + digits(at.y)));
      head.appendChild(next);
      box.appendChild(head);
      var grid = element("table", "jpicker-grid"), row = element("tr"), i;
      var thead = element("thead");
      for (i = 0; i < 7; i++) row.appendChild(element("th", "", WEEK[i]));
      thead.appendChild(row);
      grid.appendChild(thead);
      var body = element("tbody"), first = fromJalali(at.y, at.m, 1);
      // Saturday first: (weekday + 1) % 7, with Sunday 0 in JavaScript.
      var column = (new Date(first * DAY).getUTCDay() + 1) % 7, n, cell;
      row = element("tr");
      for (i = 0; i < column; i++) row.appendChild(element("td"));
      for (n = 1; n <= monthLength(at.y, at.m); n++) {
        cell = element("td");
        var day = element("button", "jday", digits(n));
        day.type = "button";
        day.dataset.day = String(n);
        cell.appendChild(day);
        row.appendChild(cell);
        if ((column + n) % 7 === 0) { body.appendChild(row); row = element("tr"); }
      }
      if (row.childNodes.length) body.appendChild(row);
      grid.appendChild(body);
      box.appendChild(grid);
      // The office's days off, marked when the server says which they are.
      fetch("/calendar/month?year=" + at.y + "&month=" + at.m, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || data.year !== at.y || data.month !== at.m) return;
          Object.keys(data.days_off).forEach(function (d) {
            var b = box.querySelector("button[data-day='" + d + "']");
            if (!b) return;
            b.classList.add("off");
            if (data.days_off[d]) b.title = data.days_off[d];
          });
        })
        .catch(function () {});
    }
    box.addEventListener("click", function (event) {
      var b = event.target.closest("button");
      if (!b) return;
      if (b.dataset.move) {
        at.m += +b.dataset.move;
        if (at.m < 1) { at.m = 12; at.y -= 1; }
        if (at.m > 12) { at.m = 1; at.y += 1; }
        draw();
        return;
      }
      input.value = digits(at.y + "/" + pad(at.m) + "/" + pad(+b.dataset.day));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    });
    box.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    draw();
    button.after(box);
    var first = box.querySelector(".jday");
    if (first) first.focus();
  }

  var fields = document.querySelectorAll("input[data-date=jalali]");
  for (var i = 0; i < fields.length; i++) {
    (function (input) {
      var button = element("button", "small jpicker-open", WORDS.open);
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-label", WORDS.open + (input.labels && input.labels[0] ? ": " + input.labels[0].textContent : ""));
      button.addEventListener("click", function () { open(input, button); });
      input.after(button);
    })(fields[i]);
  }
})();

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

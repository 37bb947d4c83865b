/* Behaviour of every page, kept out of the HTML (the Content-Security-Policy forbids inline scripts). */
(function () {
  "use strict";
  // The language menu applies the choice at once.
  document.querySelectorAll("form.lang select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // 打印 buttons print the page with the print stylesheet.
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A page opened to print everything (e.g. the whole roster) opens the print dialog once it is drawn.
  if (document.body.getAttribute("data-autoprint") === "1") {
    window.addEventListener("load", function () { window.print(); });
  }
  // The menu collapses behind a button on narrow screens.
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = document.body.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
})();
// Behaviour the pages used to declare inline (onchange=, onsubmit=), which the Content-Security-Policy
// forbids: a select that submits its form when changed, and a form that asks for confirmation first.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

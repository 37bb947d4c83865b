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

// The task filing form asks the server, as the clerk types, whether the task would be admitted and on
// which clause (admissions.views.task_check; nothing is written). No inline script: CSP-safe.
(function () {
  "use strict";
  var box = document.getElementById("admissibility");
  if (!box) { return; }
  var form = box.parentNode.querySelector("form");
  if (!form) { return; }
  var timer = null;

  function show(result) {
    box.hidden = false;
    box.textContent = result.message || "";
    box.classList.remove("ok", "refused");
    if (result.admissible === true) { box.classList.add("ok"); }
    if (result.admissible === false) { box.classList.add("refused"); }
  }

  function check() {
    var request = new XMLHttpRequest();
    request.open("POST", box.getAttribute("data-check-url"));
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.onload = function () {
      if (request.status === 200) {
        try { show(JSON.parse(request.responseText)); } catch (e) { box.hidden = true; }
      }
    };
    request.send(new FormData(form));
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 250);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  check();
})();

/* Service-station pages: the counter's item search (name or pinyin initials) and materials, and printing.
   Served locally; no inline script (Content-Security-Policy). */
(function () {
  "use strict";

  function counter() {
    var form = document.getElementById("counter-form");
    if (!form) return;
    var search = document.getElementById("item-search");
    var select = form.querySelector("select[name=service_item]");
    var days = document.getElementById("item-days");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("label.material"));
    var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value; });

    function matches(option, q) {
      if (!q) return true;
      q = q.toLowerCase();
      return option.text.toLowerCase().indexOf(q) >= 0 || (option.dataset.pinyin || "").indexOf(q) >= 0;
    }

    function showMaterials() {
      var option = select.options[select.selectedIndex];
      var wanted = option && option.dataset.materials ? option.dataset.materials.split("|") : [];
      boxes.forEach(function (label) {
        var on = wanted.indexOf(label.dataset.material) >= 0;
        label.hidden = !on;
        if (!on) label.querySelector("input").checked = false;
      });
      days.textContent = option && option.dataset.days ? "办理时限 " + option.dataset.days + " 个工作日" : "";
    }

    search.addEventListener("input", function () {
      var q = search.value.trim();
      var first = null;
      options.forEach(function (o) {
        var ok = matches(o, q);
        o.hidden = !ok;
        if (ok && !first) first = o;
      });
      if (first && q) { select.value = first.value; showMaterials(); }
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var next = form.querySelector("input[name=applicant_name]");
        if (next) next.focus();
      }
    });
    select.addEventListener("change", showMaterials);
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
    });
    showMaterials();
  }

  function printing() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { counter(); printing(); });
})();

/* The appointment form's person picker: type part of a name, the list below shows matching people of the
   unit with what tells namesakes apart (unit, gender, current posts, phone's last digits).
   Without JavaScript the plain list still works. */
(function () {
  "use strict";
  var holder = document.getElementById("person-picker");
  var select = document.querySelector("select[name=person]");
  if (!holder || !select) { return; }
  var url = holder.getAttribute("data-url");
  var input = document.createElement("input");
  input.type = "search";
  input.id = "person-search";
  input.placeholder = holder.getAttribute("data-placeholder") || "";
  input.setAttribute("aria-label", input.placeholder);
  input.autocomplete = "off";
  var status = document.createElement("small");
  status.className = "muted";
  status.setAttribute("aria-live", "polite");
  select.parentNode.insertBefore(input, select);
  select.parentNode.insertBefore(status, select.nextSibling);
  select.size = 6;

  var timer = null, latest = 0;
  function fill(data, seq) {
    if (seq !== latest) { return; }
    var chosen = select.value;
    while (select.options.length) { select.remove(0); }
    select.add(new Option(holder.getAttribute("data-none") || "—", ""));
    data.results.forEach(function (row) {
      var option = new Option(row.label, String(row.id));
      if (String(row.id) === chosen) { option.selected = true; }
      select.add(option);
    });
    var template = data.count > data.results.length ? holder.getAttribute("data-more") : holder.getAttribute("data-count");
    status.textContent = (template || "").replace("%(count)s", data.count).replace("%(shown)s", data.results.length);
  }
  function search() {
    var seq = ++latest;
    fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { fill(data, seq); })
      .catch(function () { status.textContent = holder.getAttribute("data-error") || ""; });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
  search();
})();

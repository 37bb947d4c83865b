/* The appointment form's person picker: type part of a name, the list below shows matching people of the
   unit with what tells namesakes apart (unit, gender, birth year, ID number's last four, current posts,
   phone's last digits). "新增人员" opens a small form: the person is created in the unit (POST to the
   fieldset's data-url, governance.views_person_search.person_new) and then selected in the list; the
   server's errors are shown beside their fields. Without JavaScript the plain list and the form's own
   new-person fields still work. */
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

  // --- a new person, created from here ---------------------------------------------------------------
  var panel = document.getElementById("person-new");
  var opener = document.getElementById("person-new-open");
  if (!panel || !opener) { return; }
  var form = select.form;
  status.parentNode.insertBefore(opener, status.nextSibling);
  opener.parentNode.insertBefore(panel, opener.nextSibling);
  opener.hidden = false;
  var fields = panel.querySelectorAll("input, select");

  function clearErrors() {
    panel.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; el.hidden = true; });
  }
  function showErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var el = panel.querySelector("[data-error-for='" + name + "']") || panel.querySelector("[data-error-for='__all__']");
      el.textContent = errors[name].join(" ");
      el.hidden = false;
    });
  }
  function open() {
    opener.hidden = true;
    panel.hidden = false;
    var name = panel.querySelector("input[name$='-name']");
    if (name && !name.value) { name.value = input.value.trim(); }
    if (name) { name.focus(); }
  }
  function close() {
    panel.hidden = true;
    opener.hidden = false;
    clearErrors();
  }
  function save() {
    clearErrors();
    var body = new FormData();
    fields.forEach(function (el) { if (el.name) { body.append(el.name, el.value); } });
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { body.append("csrfmiddlewaretoken", token.value); }
    fetch(panel.getAttribute("data-url"), { method: "POST", body: body, credentials: "same-origin",
                                             headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 201 || r.status === 400) { return r.json().then(function (data) { return [r.status, data]; }); }
        return Promise.reject(r.status);
      })
      .then(function (result) {
        if (result[0] === 400) { showErrors(result[1].errors || {}); return; }
        var person = result[1];
        var option = new Option(person.label, String(person.id), true, true);
        select.add(option, select.options.length > 1 ? 1 : null);
        select.value = String(person.id);
        fields.forEach(function (el) { el.value = ""; });
        close();
        status.textContent = (panel.getAttribute("data-created") || "").replace("%(label)s", person.label);
      })
      .catch(function () { showErrors({ __all__: [panel.getAttribute("data-failed") || ""] }); });
  }
  opener.addEventListener("click", open);
  panel.querySelector("#person-new-cancel").addEventListener("click", close);
  panel.querySelector("#person-new-save").addEventListener("click", save);
  // Enter in the small form saves the person, not the appointment form around it.
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); save(); }
  });
})();

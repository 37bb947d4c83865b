/* The community picker (communities/picker.py): type part of a community's name or code or of its street's
   name, the list below shows the first matches of your scope with their street; choosing one keeps its id
   in the hidden input beside the box. Editing the text again forgets the choice, so what is submitted is
   either a chosen id or the text, which the server reads as a code or an exact name (as without JavaScript). */
(function () {
  "use strict";
  document.querySelectorAll("[data-community-picker]").forEach(function (holder) {
    var text = holder.querySelector("input[type=text]");
    var hidden = holder.querySelector("input[type=hidden]");
    if (!text || !hidden) { return; }
    var url = holder.getAttribute("data-url");
    var list = document.createElement("select");
    list.size = 6;
    list.className = "community-picker-results";
    list.setAttribute("aria-label", text.getAttribute("aria-label") || "");
    list.hidden = true;
    var status = document.createElement("small");
    status.className = "muted";
    status.setAttribute("aria-live", "polite");
    holder.appendChild(list);
    holder.appendChild(status);

    var timer = null, latest = 0;
    function fill(data, seq) {
      if (seq !== latest) { return; }
      while (list.options.length) { list.remove(0); }
      data.results.forEach(function (row) { list.add(new Option(row.label, String(row.id))); });
      list.hidden = data.results.length === 0;
      if (!data.results.length) {
        status.textContent = holder.getAttribute("data-none") || "";
      } else if (data.more) {
        status.textContent = (holder.getAttribute("data-more") || "").replace("%(shown)s", data.results.length);
      } else {
        status.textContent = "";
      }
    }
    function search() {
      var seq = ++latest;
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(text.value.trim()),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) { fill(data, seq); })
        .catch(function () { status.textContent = holder.getAttribute("data-error") || ""; });
    }
    // A change (a click, the arrow keys, a test's select_option) chooses; a click or Enter also closes the list.
    function choose() {
      var option = list.options[list.selectedIndex];
      if (!option) { return; }
      hidden.value = option.value;
      text.value = option.text;
      status.textContent = "";
    }
    function close() { choose(); list.hidden = true; text.focus(); }
    text.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.focus(); list.selectedIndex = 0; }
    });
    list.addEventListener("change", choose);
    list.addEventListener("click", close);
    list.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); close(); }
      if (event.key === "Escape") { list.hidden = true; text.focus(); }
    });
  });
})();

// Suggestions while typing in the search box: product names, categories and stalls from
// GET /search/suggest/?q=, shown as a listbox under the box (the ARIA combobox pattern:
// arrow keys move, Enter chooses, Escape closes). Without this script, or without fetch,
// the box is the plain search form and works the same.
(function () {
  "use strict";
  var input = document.getElementById("site-q");
  if (!input || !window.fetch || !input.form) return;
  var form = input.form;
  var url = input.getAttribute("data-suggest-url");
  var list = document.createElement("ul");
  list.id = "site-q-list";
  list.className = "suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.getAttribute("data-list-label") || "");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var items = [];
  var active = -1;
  var timer = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(index) {
    var item = items[index];
    if (!item) return;
    close();
    if (item.url) {
      window.location.href = item.url;
    } else {
      input.value = item.label;
      form.submit();
    }
  }

  function highlight(index) {
    var options = list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(found) {
    items = found;
    list.replaceChildren();
    found.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = "site-q-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var label = document.createElement("span");
      label.textContent = item.label;
      var kind = document.createElement("small");
      kind.textContent = input.getAttribute("data-kind-" + item.kind) || "";
      option.append(label, kind);
      // mousedown, not click: the box keeps its focus (and the list its place) until chosen.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(index);
      });
      list.appendChild(option);
    });
    if (found.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    } else {
      close();
    }
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < 2) {
      close();
      return;
    }
    timer = window.setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === query) show(data.suggestions || []); })
        .catch(function () {});
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1 < items.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active > 0 ? active - 1 : items.length - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", close);
})();

// Suggestions while typing in the search box: product names, categories and stalls from
// GET /search/suggest/?q=, offered through the box's <datalist>. Without this script (or
// without fetch) the box is a plain search form and works the same.
(function () {
  "use strict";
  var input = document.getElementById("site-q");
  var list = document.getElementById("site-q-suggestions");
  if (!input || !list || !window.fetch) return;
  var url = input.getAttribute("data-suggest-url");
  var timer = null;
  var asked = "";
  function show(items) {
    var options = items.map(function (item) {
      var option = document.createElement("option");
      option.value = item.label;
      option.label = input.getAttribute("data-kind-" + item.kind) || "";
      return option;
    });
    list.replaceChildren.apply(list, options);
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < 2 || query === asked) return;
    timer = window.setTimeout(function () {
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === query) show(data.suggestions || []); })
        .catch(function () {});
    }, 150);
  });
})();

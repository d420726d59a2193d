// Starts Pagefind's search UI on /sok/ (layouts/search.html). A file of its own, not an inline
// script: the site's Content-Security-Policy allows scripts only from the site itself.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") {
    return; // no UI (the bundle is missing): the text for readers without JavaScript stays
  }
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: box.getAttribute("data-bundle"),
    baseUrl: box.getAttribute("data-base-url"),
    showImages: false,
    showSubResults: false,
    translations: { search_label: "Sök på webbplatsen" }
  });
  document.getElementById("search-without-js").hidden = true;
  // /sok/?q=ensamkommande opens with that search, so a search can be linked to or bookmarked.
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();

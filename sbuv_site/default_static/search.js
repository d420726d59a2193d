// Starts Pagefind's search UI on /sok/ (layouts/search.html). A file of its own, not an inline
// script: the site's Content-Security-Policy allows scripts only from the site itself.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") {
    return; // no UI (the bundle is missing): the text for readers without JavaScript stays
  }
  var bundle = box.getAttribute("data-bundle");
  var baseUrl = box.getAttribute("data-base-url");

  function start() {
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: bundle,
      baseUrl: baseUrl,
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
  }

  // Pagefind's UI lists the filters of its first search's result, and a search counts only the
  // filters loaded by then: a reader who typed at once (or came with ?q=) would miss a filter,
  // say "Tagg", until the next search. So every filter is loaded first, through the same
  // pagefind.js module the UI then imports (one module per address: it finds them loaded).
  import(bundle + "pagefind.js")
    .then(function (pagefind) {
      return pagefind.options({ baseUrl: baseUrl }).then(function () {
        return pagefind.filters();
      });
    })
    .catch(function () {
      // the UI reports a bundle it cannot load itself, on the console and on the page
    })
    .then(start);
})();

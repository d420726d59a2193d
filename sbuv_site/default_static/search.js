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

  // A large site's index comes in parts (sbuv-parts.json lists the others' folders): they are
  // merged into one search here, through the same pagefind.js module the UI then imports (one
  // module per address), so the UI searches them all without being told of them.
  function mergeParts(pagefind) {
    return fetch(bundle + "sbuv-parts.json")
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (folders) {
        return folders.reduce(function (before, folder) {
          return before.then(function () {
            return pagefind.mergeIndex(bundle + folder, { baseUrl: baseUrl });
          });
        }, Promise.resolve());
      });
  }

  // Pagefind's UI lists the filters of its first search's result, and a search counts only the
  // filters loaded by then: a reader who typed at once (or came with ?q=) would miss a filter,
  // say "Tagg", until the next search. So every filter is loaded first, before the UI starts.
  import(bundle + "pagefind.js")
    .then(function (pagefind) {
      return pagefind.options({ baseUrl: baseUrl })
        .then(function () {
          return mergeParts(pagefind);
        })
        .then(function () {
          return pagefind.filters();
        });
    })
    .catch(function () {
      // the UI reports a bundle it cannot load itself, on the console and on the page
    })
    .then(start);
})();

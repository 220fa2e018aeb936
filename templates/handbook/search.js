// The handbook's search: the entries of search-index.js (title, kind,
// context, address) filtered as you type, every word of the query in the
// title or its context, titles that hold them all first. Plain DOM, no
// framework; text goes in as text, never as markup.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !results || !status) return;
  var entries = (window.procflowSearch || []).map(function (e) {
    return { e: e, title: e.t.toLowerCase(), text: (e.t + " " + e.c).toLowerCase() };
  });
  var LIMIT = 50;
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    results.textContent = "";
    if (words.length === 0) {
      status.textContent = "";
      return;
    }
    var has = function (s) {
      return function (w) { return s.indexOf(w) !== -1; };
    };
    var found = entries.filter(function (p) { return words.every(has(p.text)); });
    var inTitle = found.filter(function (p) { return words.every(has(p.title)); });
    var rest = found.filter(function (p) { return !words.every(has(p.title)); });
    inTitle.concat(rest).slice(0, LIMIT).forEach(function (p) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "badge";
      kind.textContent = p.e.k;
      var a = document.createElement("a");
      a.href = p.e.u;
      a.textContent = p.e.t;
      li.append(kind, " ", a);
      if (p.e.c) {
        var c = document.createElement("span");
        c.className = "muted";
        c.textContent = " · " + p.e.c;
        li.append(c);
      }
      results.append(li);
    });
    status.textContent = found.length === 0 ? "Nothing found."
      : found.length > LIMIT ? "The first " + LIMIT + " of " + found.length + " matches:"
      : found.length === 1 ? "1 match:" : found.length + " matches:";
  }
  input.addEventListener("input", run);
  run();
})();

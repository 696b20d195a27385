/*
 * server/static/app.js - search-as-you-type title suggestions.
 * Progressive enhancement only: every page works without this script.
 * Loaded from our own origin (the CSP allows no inline script).
 */
(function () {
  'use strict';
  var input = document.getElementById('q');
  var list = document.getElementById('q-suggest');
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var last = '';
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) {
        return;
      }
      last = q;
      fetch('/api/v1/suggest?limit=8&q=' + encodeURIComponent(q), {
        headers: { Accept: 'application/json' }
      })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (d) {
          while (list.firstChild) {
            list.removeChild(list.firstChild);
          }
          (d.suggestions || []).forEach(function (s) {
            var o = document.createElement('option');
            o.value = s;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    }, 200);
  });
}());

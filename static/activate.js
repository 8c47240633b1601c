/* The activation letter's link brings username and code in the fragment (#username=...&code=...),
   which browsers never send, so no server log holds the code: type them into the form here, then
   take them out of the address bar and the history. Without this script the parent types them. */
(function () {
  "use strict";
  var given = new URLSearchParams(window.location.hash.slice(1));
  ["username", "code"].forEach(function (name) {
    var field = document.getElementById(name);
    if (field && !field.value && given.get(name)) { field.value = given.get(name); }
  });
  if (window.location.hash) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
}());

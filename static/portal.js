/* Quick exit (button and Shift three times) and the idle-session warning. Works without it too. */
(function () {
  "use strict";
  var exitLink = document.getElementById("quick-exit");
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.classList.add("blank");
    document.title = "";
    window.location.replace(exitLink.href);
  }
  if (exitLink) {
    exitLink.addEventListener("click", leave);
    var presses = [], lone = false;
    document.addEventListener("keydown", function (e) { lone = e.key === "Shift" && !e.repeat; if (e.key !== "Shift") { presses = []; } });
    document.addEventListener("keyup", function (e) {
      if (e.key !== "Shift" || !lone) { return; }
      var now = Date.now();
      presses = presses.filter(function (t) { return now - t < 5000; });
      presses.push(now);
      if (presses.length >= 3) { leave(); }
    });
  }
  var expires = parseInt(document.body.getAttribute("data-expires-in"), 10);
  var warning = document.getElementById("idle-warning");
  if (warning && expires > 0) {
    window.setTimeout(function () { warning.hidden = false; }, Math.max(0, expires - 150) * 1000);
  }
}());

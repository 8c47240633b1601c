/* Quick exit (button and Shift three times) and the idle-session warning. Works without it too. */
(function () {
  "use strict";
  var exitForm = document.getElementById("quick-exit-form");
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.classList.add("blank");
    document.title = "";
    exitForm.submit();
  }
  if (exitForm) {
    exitForm.addEventListener("submit", leave);
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
/* Typed text is never cut or lost: a counter under each text area with a limit, and the plan editor's autosave
   says "not saved" (showing both texts on a conflict) instead of keeping an old "saved". Works without it too. */
(function () {
  "use strict";
  var body = document.body;
  var numbers = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || undefined) : null;
  function number(n) { return numbers ? numbers.format(n) : String(n); }
  function fill(text, values) { return (text || "").replace(/\{(\w+)\}/g, function (all, key) { return values[key]; }); }

  function addCounter(area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    if (!(limit > 0)) { return; }
    // The counter says what is too much; without maxlength the browser stops no typing and cuts no pasted
    // text, and the server refuses an over-long text whole. Without this script maxlength still holds.
    area.removeAttribute("maxlength");
    var counter = document.createElement("p");
    counter.className = "counter";
    // In the page's language and direction: a translation field stands in a cell of the translation's language.
    counter.lang = document.documentElement.lang;
    counter.dir = document.documentElement.dir || "ltr";
    if (area.id) {
      counter.id = area.id + "-count";
      area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    }
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var count = Array.from ? Array.from(area.value).length : area.value.length;
      var over = count > limit;
      counter.textContent = fill(body.getAttribute(over ? "data-count-over" : "data-count"),
                                 {count: number(count), limit: number(limit), over: number(count - limit)});
      counter.classList.toggle("over", over);
    }
    area.addEventListener("input", update);
    update();
  }
  function addCounters(root) { Array.prototype.forEach.call(root.querySelectorAll("textarea[maxlength]"), addCounter); }
  addCounters(document);
  document.addEventListener("htmx:load", function (event) { addCounters(event.target); });

  // The element that sent the request (a swap event is fired on its target, the status).
  function autosave(event) {
    var detail = event.detail || {}, elt = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return Boolean(elt && elt.hasAttribute && elt.hasAttribute("data-autosave"));
  }
  function status(kind) {
    var shown = document.getElementById("draft-status");
    if (shown && shown.getAttribute("data-" + kind)) {
      shown.textContent = shown.getAttribute("data-" + kind);
      shown.classList.toggle("not-saved", kind !== "saving");
    }
  }
  // Fields as they are now, also what was typed after the autosave went out: they go back after a swap.
  function typedNow(form) {
    var typed = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit") { return; }
      if (field.type === "radio" || field.type === "checkbox") { typed[field.name + "=" + field.value] = field.checked; }
      else { typed[field.name] = field.value; }
    });
    return typed;
  }
  function putBack(form, typed) {
    Array.prototype.forEach.call(form.elements, function (field) {
      var key = field.type === "radio" || field.type === "checkbox" ? field.name + "=" + field.value : field.name;
      if (!field.name || field.type === "hidden" || field.type === "submit" || !(key in typed)) { return; }
      if (key !== field.name) { field.checked = typed[key]; }
      else if (field.value !== typed[key]) { field.value = typed[key]; field.dispatchEvent(new Event("input")); }
    });
  }
  // A conflict: the editor becomes the conflict view from the answer (both texts, this worker's text in the
  // fields), with the fields as typed now and the caret where it was.
  function showConflict(html) {
    var editor = document.getElementById("plan-editor");
    if (!editor || !window.htmx) { status("not-saved"); return; }
    var typed = typedNow(editor.querySelector("form"));
    var active = document.activeElement, start = active && active.selectionStart, end = active && active.selectionEnd;
    window.htmx.swap(editor, html, {swapStyle: "outerHTML"}, {select: "#plan-editor"});
    editor = document.getElementById("plan-editor");
    putBack(editor.querySelector("form"), typed);
    var again = active && active.id ? document.getElementById(active.id) : null;
    if (again && again.setSelectionRange && start !== null) { again.focus(); again.setSelectionRange(start, end); }
  }
  document.addEventListener("htmx:beforeRequest", function (event) { if (autosave(event)) { status("saving"); } });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!autosave(event)) { return; }
    var code = event.detail.xhr.status;
    if (code === 409) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      showConflict(event.detail.serverResponse);
    } else if (code === 400) {
      event.detail.shouldSwap = true;  // only the status: it says what to fix; the fields stay as typed
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (autosave(event)) { status(event.detail.xhr.status === 401 ? "signed-out" : "not-saved"); }
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) { if (autosave(event)) { status("not-saved"); } });
  });

  // Leaving a form marked data-ask-before-leaving with text not saved yet asks first (the browser's own question).
  // Typing marks it unsaved; an autosave that went through clears it, unless more was typed after it went out;
  // sending the form clears it (the answer shows what was kept). A page shown with "not saved" starts unsaved.
  var shownStatus = document.getElementById("draft-status");
  var edits = 0, savedAt = shownStatus && shownStatus.classList.contains("not-saved") ? -1 : 0, sentAt = 0;
  function asking(target) {
    var form = target && (target.form || (target.closest && target.closest("form")));
    return Boolean(form && form.hasAttribute("data-ask-before-leaving"));
  }
  ["input", "change"].forEach(function (name) {
    document.addEventListener(name, function (event) { if (asking(event.target)) { edits += 1; } });
  });
  document.addEventListener("htmx:beforeRequest", function (event) { if (autosave(event)) { sentAt = edits; } });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (autosave(event) && event.detail.xhr && event.detail.xhr.status === 200) { savedAt = Math.max(savedAt, sentAt); }
  });
  document.addEventListener("submit", function (event) { if (asking(event.target)) { savedAt = edits; } });
  window.addEventListener("beforeunload", function (event) {
    if (savedAt !== edits) {
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when this is set
    }
  });
}());

// jxjy: small enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var img = e.target.closest("[data-captcha]");
    if (img) { img.src = "/captcha?t=" + Date.now(); var input = document.getElementById("captcha"); if (input) { input.value = ""; input.focus(); } }
    var toggle = e.target.closest("[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById("sidenav");
      if (nav) { var open = nav.classList.toggle("open"); toggle.setAttribute("aria-expanded", open ? "true" : "false"); }
    }
  });
  // Preset opinions: choosing one fills the opinion field named by data-fill.
  document.addEventListener("change", function (e) {
    var target = e.target.getAttribute && e.target.getAttribute("data-fill");
    if (!target || !e.target.value) { return; }
    var field = document.getElementById(target);
    if (field) { field.value = e.target.value; field.focus(); }
  });
  // Row selection: a header checkbox selects every row checkbox of that name.
  document.addEventListener("change", function (e) {
    var all = e.target.getAttribute && e.target.getAttribute("data-select-all");
    if (!all) { return; }
    var form = e.target.form || document;
    form.querySelectorAll('input[type=checkbox][name="' + all + '"]').forEach(function (c) { c.checked = e.target.checked; });
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var button = e.submitter;
    var buttonQuestion = button && button.getAttribute("data-confirm-button");
    if (buttonQuestion && !window.confirm(buttonQuestion)) { e.preventDefault(); return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); return; }
    // A second click while the first submission travels would only repeat it.
    if (form.hasAttribute("data-once")) {
      if (form.dataset.sent) { e.preventDefault(); return; }
      form.dataset.sent = "1";
      // A disabled button is left out of what the form sends: keep the clicked one's value.
      if (button && button.name) {
        var keep = document.createElement("input");
        keep.type = "hidden"; keep.name = button.name; keep.value = button.value;
        form.appendChild(keep);
      }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }
  });
  // Registration: say what the document number tells (birth date, gender) or what is wrong.
  function checkDocument() {
    var input = document.querySelector("[data-check-document]");
    var out = document.getElementById("doc-derived");
    var form = input && input.form;
    if (!input || !out || !form || !input.value.trim()) { return; }
    var body = new URLSearchParams();
    body.set("csrf", form.elements.csrf.value);
    body.set("doc_type", form.elements.doc_type.value);
    body.set("doc_number", input.value);
    fetch(input.getAttribute("data-check-document"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (v) { out.textContent = v.message; out.className = v.ok ? "derived" : "error"; });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-check-document], #doc_type")) { checkDocument(); }
  });
  // Selects that follow another one: the districts of a city, the supervisors of a city.
  function refill(child, url, first, toOption) {
    child.innerHTML = "";
    var o = document.createElement("option"); o.value = ""; o.textContent = first; child.appendChild(o);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (rows) { rows.forEach(function (r) { child.appendChild(toOption(r)); }); });
  }
  document.addEventListener("change", function (e) {
    var parent = e.target;
    document.querySelectorAll('select[data-supervisors-of="' + parent.id + '"]').forEach(function (child) {
      if (!parent.value) { return; }
      refill(child, "/organizations/supervisors/" + encodeURIComponent(parent.value), "请选择", function (r) {
        var o = document.createElement("option"); o.value = r[0]; o.textContent = r[1]; return o;
      });
    });
  });
  // A table wider than the screen scrolls sideways inside its card; a keyboard can scroll it
  // only if it can take focus, so such a card becomes a named, focusable region (WCAG 2.1.1).
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (w) {
      if (w.scrollWidth > w.clientWidth + 1) {
        if (!w.hasAttribute("tabindex")) {
          var title = w.querySelector("h2, caption");
          w.setAttribute("tabindex", "0");
          w.setAttribute("role", "region");
          w.setAttribute("aria-label", (title && title.textContent.trim()) || "表格（可左右滚动）");
          w.setAttribute("data-scroll-focus", "");
        }
      } else if (w.hasAttribute("data-scroll-focus")) {
        ["tabindex", "role", "aria-label", "data-scroll-focus"].forEach(function (a) { w.removeAttribute(a); });
      }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
  // Progress of a background job: while the page has [data-poll], fetch it again and put the
  // new main content in place (no timed reload that moves the reader's focus, WCAG 2.2.1).
  (function poll() {
    var live = document.querySelector("[data-poll]");
    if (!live) { return; }
    setTimeout(function () {
      fetch(location.href, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
          var main = document.querySelector("main");
          if (next && main) { main.innerHTML = next.innerHTML; }
          poll();
        })
        .catch(function () { poll(); });
    }, parseInt(live.getAttribute("data-poll"), 10) || 2000);
  })();
  // Cascading region selects: <select data-region-parent="ID of the parent select">.
  document.addEventListener("change", function (e) {
    var parent = e.target;
    document.querySelectorAll('select[data-region-parent="' + parent.id + '"]').forEach(function (child) {
      child.innerHTML = '<option value="">请选择</option>';
      if (!parent.value) { return; }
      fetch("/regions/" + encodeURIComponent(parent.value) + "/children", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (rows) {
          rows.forEach(function (r) { var o = document.createElement("option"); o.value = r.code; o.textContent = r.name; child.appendChild(o); });
        });
    });
  });
})();

/* FDS Academy: small progressive enhancements; every page works without this file.
   - quiz: saves each answer as you go through a queue kept in localStorage, replayed when the
     connection returns (the server applies each key at most once and never lets an older
     sequence number overwrite a newer one);
   - quiz: a countdown to the server's deadline;
   - lesson: marks the lesson done when its end comes into view. */
(function () {
  "use strict";
  var csrf = document.querySelector('input[name="csrf_token"]');
  var token = csrf ? csrf.value : "";

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(body)
    });
  }

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  var form = document.getElementById("quiz");
  if (form) {
    var url = form.getAttribute("data-save-url");
    var store = "lms-queue-" + form.getAttribute("data-attempt");
    var queue = [];
    try { queue = JSON.parse(localStorage.getItem(store) || "[]"); } catch (e) { queue = []; }
    var busy = false;

    var keep = function () { try { localStorage.setItem(store, JSON.stringify(queue)); } catch (e) {} };
    var status = function (position, text) {
      var box = form.querySelector('[data-position="' + position + '"] .save-status');
      if (box) box.textContent = text;
    };
    var label = function (name) { return form.getAttribute("data-msg-" + name) || ""; };

    var flush = function () {
      if (busy || !queue.length) return;
      busy = true;
      var item = queue[0];
      post(url, item).then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      }).then(function (result) {
        busy = false;
        if (result.body && result.body.ack === item.key) {
          queue.shift(); keep();
          status(item.position, result.status === 200 ? label("saved") : (result.body.error || {}).message);
          if (result.status === 409) { window.location.reload(); return; }
          flush();
        } else if (result.status >= 400 && result.status < 500) {
          queue.shift(); keep();
          status(item.position, (result.body.error || {}).message || "");
          flush();
        }
      }).catch(function () {
        busy = false;
        status(item.position, label("offline"));
      });
    };

    var valueOf = function (fieldset) {
      var type = fieldset.getAttribute("data-type");
      var inputs = fieldset.querySelectorAll("input:not([type=hidden]), textarea");
      if (type === "multiple") {
        return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
          .map(function (i) { return parseInt(i.value, 10); });
      }
      if (type === "single" || type === "truefalse") {
        var picked = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0];
        if (!picked) return null;
        return type === "single" ? parseInt(picked.value, 10) : picked.value === "true";
      }
      return inputs[0].value;
    };

    var timers = {};
    var enqueue = function (fieldset) {
      var position = parseInt(fieldset.getAttribute("data-position"), 10);
      queue = queue.filter(function (item) { return item.position !== position || busy; });
      queue.push({position: position, response: valueOf(fieldset), key: uid(), seq: Date.now()});
      keep();
      status(position, label("saving"));
      flush();
    };
    var changed = function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (!fieldset) return;
      var position = fieldset.getAttribute("data-position");
      clearTimeout(timers[position]);
      timers[position] = setTimeout(function () { enqueue(fieldset); }, event.type === "input" ? 800 : 0);
    };
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    window.addEventListener("online", flush);
    setInterval(flush, 15000);
    flush();

    var timer = document.querySelector(".timer[data-deadline]");
    if (timer) {
      var deadline = Date.parse(timer.getAttribute("data-deadline"));
      var out = timer.querySelector(".countdown");
      var tick = function () {
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        out.textContent = "(" + Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2) + ")";
        if (left === 0) { window.location.reload(); return; }
        setTimeout(tick, 1000);
      };
      tick();
    }
  }

  var end = document.getElementById("lesson-end");
  if (end && "IntersectionObserver" in window) {
    var done = false;
    new IntersectionObserver(function (entries, observer) {
      if (done || !entries[0].isIntersecting) return;
      done = true;
      observer.disconnect();
      post(end.getAttribute("data-done-url"), {}).then(function (response) {
        if (response.ok) {
          var note = document.getElementById("lesson-done-note");
          if (note) note.hidden = false;
        }
      });
    }).observe(end);
  }
})();

/**
 * The page's script, served as /app.js (no inline scripts under the Content-Security-Policy).
 * Plain ES2017 so any kiosk browser runs it. It renders only what the daemon sends and inserts text
 * with textContent, never as HTML.
 *
 * Liveness: EventSource reconnects by itself after a network error, but gives up for good on an HTTP
 * error (a 503 when too many screens are connected, a proxy's 502), so the script reconnects then.
 * SSE comments never reach page code, which is why the daemon's heartbeat is a named event: the page
 * counts it as a sign of life, and after `data-offline-after-ms` without any event it hides the last
 * instruction (which may be stale: a "Proceed" left standing) and shows "display offline".
 */
export const PAGE_JS = `'use strict';
(function () {
  var body = document.body;
  var offlineAfterMs = Number(body.getAttribute('data-offline-after-ms')) || 30000;
  var reconnectMs = Number(body.getAttribute('data-reconnect-ms')) || 3000;
  var content = document.getElementById('content');
  var offline = document.getElementById('offline');
  var source = null;
  var offlineTimer = null;

  function line(parent, className, text) {
    if (typeof text !== 'string' || text === '') return;
    var el = document.createElement('p');
    el.className = className;
    el.textContent = text;
    parent.appendChild(el);
  }

  function render(view) {
    if (!view || !view.state || !Array.isArray(view.blocks)) return false;
    var fragment = document.createDocumentFragment();
    view.blocks.forEach(function (block, index) {
      var section = document.createElement('section');
      section.className = index === 0 ? 'block primary' : 'block secondary';
      section.setAttribute('lang', String(block.tag));
      section.setAttribute('data-lang', String(block.lang));
      line(section, 'title', block.title);
      line(section, 'hint', block.hint);
      line(section, 'detail', block.detail);
      fragment.appendChild(section);
    });
    content.replaceChildren(fragment);
    body.setAttribute('data-screen', String(view.state.screen));
    body.setAttribute('data-light', String(view.state.light));
    body.setAttribute('data-updated-at', String(view.state.updatedAt));
    return true;
  }

  function setConnection(state) {
    body.setAttribute('data-connection', state);
    var online = state === 'online';
    content.hidden = !online;
    offline.hidden = online;
  }

  function armOfflineTimer() {
    if (offlineTimer !== null) clearTimeout(offlineTimer);
    offlineTimer = setTimeout(function () { setConnection('offline'); }, offlineAfterMs);
  }

  function heard() {
    setConnection('online');
    armOfflineTimer();
  }

  function connect() {
    source = new EventSource('/events');
    source.addEventListener('state', function (event) {
      var view;
      try { view = JSON.parse(event.data); } catch (e) { return; }
      if (render(view)) heard();
    });
    source.addEventListener('heartbeat', function () {
      // A heartbeat proves the link, not the content: only count it once a state has been shown.
      if (body.hasAttribute('data-screen')) heard();
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, reconnectMs);
      }
    };
  }

  armOfflineTimer();
  connect();
})();
`;

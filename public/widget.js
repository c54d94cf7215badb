/*
 * Switchboard chat widget. On a host page:
 *
 *   <script src="https://switchboard.example/widget.js" data-token-url="/my-backend/switchboard-token" async></script>
 *
 * Adds a launcher button (bottom right) that opens the chat in an iframe. When the chat
 * asks for it, the widget POSTs to data-token-url (on the host page's own origin, with
 * the host's cookies) and expects JSON { "token": "<customer token>" }; it hands the
 * token to the iframe with postMessage, addressed to Switchboard's exact origin. The
 * token never appears in a URL. Messages are accepted only from that iframe and origin.
 *
 * Optional: data-label (launcher text, default "Chat with us"),
 *           data-title (panel title, default "Support").
 * Message names: lib/widget/protocol.ts.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__switchboardWidget) return;
  window.__switchboardWidget = true;

  var MSG = {
    ready: "switchboard:ready",
    token: "switchboard:token",
    session: "switchboard:session",
    tokenNeeded: "switchboard:token-needed",
    close: "switchboard:close",
  };
  var LOAD_TIMEOUT_MS = 8000;

  var appOrigin = new URL(script.src, location.href).origin;
  var tokenUrl = script.getAttribute("data-token-url");
  var label = script.getAttribute("data-label") || "Chat with us";
  var title = script.getAttribute("data-title") || "Support";

  function fail(message) {
    // For the host site's developer; the customer sees a sentence in the panel.
    if (window.console) window.console.error("[switchboard widget] " + message);
  }
  if (!tokenUrl) return fail("data-token-url is required");
  var tokenEndpoint = new URL(tokenUrl, location.href);
  if (tokenEndpoint.origin !== location.origin) return fail("data-token-url must be on this page's own origin (" + location.origin + ")");

  var CSS =
    ":host{all:initial}" +
    "*{box-sizing:border-box;font-family:ui-sans-serif,system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}" +
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;height:48px;padding:0 18px 0 14px;border:0;border-radius:24px;background:#4f46e5;color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(15,23,42,.25)}" +
    ".launcher:hover{background:#4338ca}" +
    ".launcher:focus-visible,.close:focus-visible{outline:3px solid #a5b4fc;outline-offset:2px}" +
    ".launcher svg{width:22px;height:22px}" +
    ".panel{position:fixed;right:20px;bottom:80px;z-index:2147483000;display:flex;flex-direction:column;width:380px;height:min(600px,calc(100vh - 100px));border-radius:16px;overflow:hidden;background:#fff;color:#18181b;border:1px solid #e4e4e7;box-shadow:0 12px 40px rgba(15,23,42,.25)}" +
    ".panel[hidden]{display:none}" +
    ".head{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 12px 12px 16px;background:#4f46e5;color:#fff}" +
    ".head h2{margin:0;font-size:15px;font-weight:600}" +
    ".close{display:flex;align-items:center;justify-content:center;width:32px;height:32px;border:0;border-radius:8px;background:transparent;color:#fff;font-size:20px;line-height:1;cursor:pointer}" +
    ".close:hover{background:rgba(255,255,255,.15)}" +
    "iframe{flex:1;width:100%;border:0;background:transparent}" +
    ".notice{margin:0;padding:16px;font-size:14px;line-height:1.5}" +
    "@media (prefers-color-scheme:dark){.panel{background:#18181b;color:#f4f4f5;border-color:#3f3f46}}" +
    "@media (max-width:480px){.panel{right:0;bottom:0;left:0;top:0;width:auto;height:auto;border-radius:0;border:0}.launcher{right:16px;bottom:16px}.launcher[aria-expanded=true]{display:none}}";

  var ICON =
    '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>';

  var host = document.createElement("div");
  host.setAttribute("data-switchboard-widget", "");
  var root = host.attachShadow({ mode: "open" });
  var panelId = "switchboard-panel";
  root.innerHTML =
    "<style>" + CSS + "</style>" +
    '<div class="panel" id="' + panelId + '" role="dialog" aria-modal="false" aria-labelledby="sb-title" hidden>' +
    '<div class="head"><h2 id="sb-title"></h2><button type="button" class="close" aria-label="Close chat">\u00d7</button></div>' +
    "</div>" +
    '<button type="button" class="launcher" aria-expanded="false" aria-controls="' + panelId + '">' + ICON + "<span></span></button>";
  root.getElementById("sb-title").textContent = title;
  var panel = root.getElementById(panelId);
  var launcher = root.querySelector(".launcher");
  var closeButton = root.querySelector(".close");
  launcher.querySelector("span").textContent = label;

  var frame = null;
  var ready = false;
  var timer = null;

  function showNotice(text) {
    if (frame) frame.remove();
    frame = null;
    var old = panel.querySelector(".notice");
    if (old) old.remove();
    var p = document.createElement("p");
    p.className = "notice";
    p.setAttribute("role", "alert");
    p.textContent = text;
    panel.appendChild(p);
  }

  function post(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, appOrigin);
  }

  function sendToken() {
    fetch(tokenEndpoint.href, { method: "POST", credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("token endpoint answered " + res.status);
        return res.json();
      })
      .then(function (body) {
        if (!body || typeof body.token !== "string") throw new Error('token endpoint must answer { "token": "..." }');
        post({ type: MSG.token, token: body.token });
      })
      .catch(function (err) {
        fail(err.message);
        showNotice("Sign in on this website to chat with us.");
      });
  }

  function createFrame() {
    frame = document.createElement("iframe");
    frame.title = title + " chat";
    frame.src = appOrigin + "/widget?host=" + encodeURIComponent(location.origin);
    panel.appendChild(frame);
    // A host that may not embed the chat gets a frame the browser refuses to show (CSP
    // frame-ancestors), and that frame never says it is ready.
    timer = setTimeout(function () {
      if (!ready) showNotice("The chat is not available on this website right now.");
    }, LOAD_TIMEOUT_MS);
  }

  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== appOrigin) return;
    var data = event.data || {};
    if (data.type === MSG.ready) {
      ready = true;
      clearTimeout(timer);
      sendToken();
    } else if (data.type === MSG.tokenNeeded) {
      sendToken();
    } else if (data.type === MSG.close) {
      setOpen(false);
    }
  });

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!frame && !panel.querySelector(".notice")) createFrame();
      (frame || closeButton).focus();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () {
    setOpen(panel.hidden);
  });
  closeButton.addEventListener("click", function () {
    setOpen(false);
  });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) setOpen(false);
  });

  function mount() {
    document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();

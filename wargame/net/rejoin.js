// The app's page rejoins on its own: when the host stops to be restarted (close code 4000)
// or crashes (1006), it waits until the host answers again and posts the tab's code and
// member name (kept in sessionStorage for the tab's life, never in the address) to open the
// seat anew. A deliberate close (a newer tab took the seat, a revoked code) ends the tab
// for good.
(function () {
  "use strict";
  var code = "", member = "";
  try {
    code = sessionStorage.getItem("wargame-code") || "";
    member = sessionStorage.getItem("wargame-name") || "";  // a team member rejoins under the same name
  } catch (e) { return; }
  if (!code) return;
  var Native = window.WebSocket;
  var rejoining = false;
  function banner(text) {
    var el = document.getElementById("wargame-rejoin");
    if (!el) {
      el = document.createElement("div");
      el.id = "wargame-rejoin";
      el.setAttribute("role", "status");
      el.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:99999;padding:.6rem 1rem;" +
        "background:#f0b429;color:#10141a;font:1rem system-ui,sans-serif;text-align:center";
      document.body.appendChild(el);
    }
    el.textContent = text;
  }
  function post() {
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/";
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "code";
    input.value = code;
    form.appendChild(input);
    var name = document.createElement("input");
    name.type = "hidden";
    name.name = "name";
    name.value = member;
    form.appendChild(name);
    document.body.appendChild(form);
    form.submit();
  }
  function poll(wait) {
    fetch("/api/v1/info", {cache: "no-store"}).then(function (r) {
      if (r.ok) { banner("The host is back: rejoining your seat…"); post(); }
      else { setTimeout(function () { poll(Math.min(wait * 2, 5000)); }, wait); }
    }, function () { setTimeout(function () { poll(Math.min(wait * 2, 5000)); }, wait); });
  }
  function lost(event) {
    if (rejoining || (event.code !== 4000 && event.code !== 1006)) return;
    rejoining = true;
    banner("The connection to the host was lost: rejoining when it is back…");
    setTimeout(function () { poll(1000); }, 1000);
  }
  function Watched(url, protocols) {
    var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).indexOf("/ws/") >= 0) socket.addEventListener("close", lost);
    return socket;
  }
  Watched.prototype = Native.prototype;
  Watched.CONNECTING = Native.CONNECTING;
  Watched.OPEN = Native.OPEN;
  Watched.CLOSING = Native.CLOSING;
  Watched.CLOSED = Native.CLOSED;
  window.WebSocket = Watched;
})();

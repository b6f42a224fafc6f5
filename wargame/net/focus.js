// Keys go to the seat's terminal as soon as it is drawn: a student who has just typed the
// join code and pressed Join should not have to click the page before the app hears them.
// The terminal takes the focus once, when it appears, and again when the tab comes back
// to the front; a click elsewhere on the page is left alone.
(function () {
  "use strict";
  function terminal() {
    return document.querySelector(".xterm-helper-textarea");
  }
  function take() {
    var box = terminal();
    if (box && document.activeElement !== box) box.focus();
    return !!box;
  }
  var tries = 0;
  var timer = setInterval(function () {
    if (take() || ++tries > 300) clearInterval(timer);  // at most a minute while the app starts
  }, 200);
  window.addEventListener("focus", take);
})();

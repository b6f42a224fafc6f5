(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
  var at = 0;
  function fit(slide) {
    // Large type first; smaller only as far as the slide needs to show everything.
    var box = slide.querySelector(".fit");
    var size = 100;
    box.style.fontSize = size + "%";
    while (size > 40 && (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1)) {
      size -= 5;
      box.style.fontSize = size + "%";
    }
  }
  function show(n) {
    at = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, i) { s.classList.toggle("current", i === at); });
    fit(slides[at]);
    if (location.hash !== "#" + slides[at].id) { history.replaceState(null, "", "#" + slides[at].id); }
  }
  document.documentElement.classList.add("stepping");
  var start = slides.findIndex(function (s) { return "#" + s.id === location.hash; });
  show(start < 0 ? 0 : start);
  document.addEventListener("keydown", function (e) {
    var step = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1}[e.key];
    if (step) { e.preventDefault(); show(at + step); }
    else if (e.key === "Home") { e.preventDefault(); show(0); }
    else if (e.key === "End") { e.preventDefault(); show(slides.length - 1); }
  });
  document.addEventListener("click", function (e) { if (!e.target.closest("a")) { show(at + (e.clientX < innerWidth / 3 ? -1 : 1)); } });
  window.addEventListener("resize", function () { fit(slides[at]); });
})();

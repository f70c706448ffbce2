// Small enhancements of every page; each page works without them (no inline scripts: CSP
// script-src 'self').
(function () {
  "use strict";
  var WIDE = window.matchMedia("(min-width: 900px)");

  // From 900 px the menu is always shown. Browsers that can style a closed <details>'s content
  // (::details-content) do it in site.css; older ones get the menu opened here.
  function showMenuWhenWide() {
    var box = document.querySelector("details.navbox");
    if (!box) return;
    var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (!styled) {
      box.open = WIDE.matches;
      document.documentElement.classList.toggle("navbox-js", WIDE.matches);
    }
  }

  // One drop-down open at a time; a click elsewhere closes them.
  function closeMenus(except) {
    document.querySelectorAll("nav details.menu[open]").forEach(function (d) {
      if (d !== except) d.open = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showMenuWhenWide();
    if (WIDE.addEventListener) WIDE.addEventListener("change", showMenuWhenWide);
    document.querySelectorAll("nav details.menu").forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (d.open && WIDE.matches) closeMenus(d);
      });
    });
    document.addEventListener("click", function (event) {
      if (!WIDE.matches) return;
      if (!event.target.closest || !event.target.closest("nav details.menu")) closeMenus(null);
    });
  });
})();

// The phone menu (issue 11): on a narrow screen the header shows the brand and a "Menu"
// button; the button opens and closes the navigation and tools. Without this script the
// button stays hidden and the menu is simply shown (the header wraps, nothing is lost).
(function () {
  "use strict";
  function init() {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".site-menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    header.classList.add("site-header--js");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("site-menu--open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        menu.classList.remove("site-menu--open");
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

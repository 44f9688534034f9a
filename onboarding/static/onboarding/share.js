// The set-password link: a copy button (shown only where the clipboard works), and the
// link copied too when Zalo is opened, so it can be pasted in the chat. Without this
// script the link stays selectable and the SMS and Zalo links still work.
(function () {
  "use strict";
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("no clipboard"));
  }
  document.querySelectorAll("[data-share-link]").forEach(function (box) {
    var button = box.querySelector("[data-copy]");
    var field = box.querySelector(button ? button.getAttribute("data-copy") : "input");
    var done = box.querySelector("[data-copied]");
    function copied() { if (done) { done.hidden = false; } }
    if (button && field) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(field.value).then(copied, function () {
          field.focus();
          field.select();
        });
      });
    }
    var zalo = box.querySelector("[data-share-text]");
    if (zalo && field) {
      zalo.addEventListener("click", function () { copy(field.value).then(copied, function () {}); });
    }
  });
})();

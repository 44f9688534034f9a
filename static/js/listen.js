/* The "listen" button: reads the screen's instructions aloud with the phone's own voice.

   Progressive enhancement: the button is rendered hidden and shown only when the browser
   can speak and has a voice for the page's language (<html lang>). Voices often arrive
   after the page has loaded, so the check runs again on "voiceschanged". */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-listen]"));
  if (!buttons.length) {
    return;
  }
  var lang = (document.documentElement.getAttribute("lang") || "vi").toLowerCase();

  function voiceFor() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var code = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (code === lang || code.split("-")[0] === lang) {
        return voices[i];
      }
    }
    return null;
  }

  // What a reader needs to act: the heading, marked instructions, then the labels of what to
  // fill in or press. Text hidden from everyone (hidden, aria-hidden) is skipped.
  var SELECTOR = "h1, h2, [data-speak], p.lead, label, legend, .help, button:not([data-listen]), a.btn";

  function textOf(root) {
    var parts = [];
    var nodes = root.querySelectorAll(SELECTOR);
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.closest("[hidden], [aria-hidden='true'], .sr, header.top, footer")) {
        continue;
      }
      // A marked block already read includes its children.
      if (node.parentElement && node.parentElement.closest("[data-speak]") && !node.hasAttribute("data-speak")) {
        continue;
      }
      var text = (node.textContent || "").replace(/\s+/g, " ").trim();
      if (text && parts[parts.length - 1] !== text) {
        parts.push(text);
      }
    }
    return parts.join(". ");
  }

  function reset() {
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
  }

  function update() {
    var found = voiceFor() !== null;
    buttons.forEach(function (b) { b.hidden = !found; });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (synth.speaking) {
        synth.cancel();
        reset();
        return;
      }
      var voice = voiceFor();
      var root = document.querySelector(button.getAttribute("data-listen")) || document.body;
      var text = textOf(root);
      if (!voice || !text) {
        return;
      }
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      utterance.onend = reset;
      utterance.onerror = reset;
      button.setAttribute("aria-pressed", "true");
      synth.speak(utterance);
    });
  });

  update();
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", update);
  } else {
    synth.onvoiceschanged = update;
  }
})();

/* The card step: the card is typed into Stripe.js (Stripe's element, or localstripe's stand-in
   in tests and the demo), which sends it to the provider and gives back the card's id; only that
   id is posted to the site. A bank's 3-D Secure check (data-action-secret) runs here too. */
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof window.Stripe !== "function") return;
  var stripe = window.Stripe(form.dataset.key);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = form.querySelector("button[type=submit]");

  function fail(message) {
    errors.textContent = message || "";
    errors.hidden = !message;
    button.disabled = false;
  }

  if (form.dataset.actionSecret) {
    button.disabled = true;
    stripe.confirmCardPayment(form.dataset.actionSecret).then(function () {
      // Whatever the bank said, the site asks the provider: reload the page.
      window.location.replace(window.location.pathname);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return; // a double click sends one payment
    button.disabled = true;
    fail("");
    button.disabled = true;
    stripe.createToken(card).then(function (result) {
      if (result.error || !result.token || !result.token.card) {
        fail((result.error && result.error.message) || errors.dataset.generic || "");
        return;
      }
      form.elements.card_id.value = result.token.card.id;
      form.submit();
    });
  });
})();

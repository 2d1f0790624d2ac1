// The cookie banner, enhanced: django-cookie-consent's module saves a choice in the background
// and removes the banner without a page load. Without JavaScript (or if this fails) the banner's
// plain forms post the choice instead. No inline script: the URLs come from data- attributes.
import { showCookieBar } from "../cookie_consent/cookiebar.module.js";

const banner = document.getElementById("cookie-banner");
const status = document.getElementById("cookie-choice-status");

if (banner) {
  // The module shows a copy of a <template>: make one from the server-rendered banner.
  const template = document.createElement("template");
  template.id = "cookie-consent__cookie-bar";
  template.content.append(banner.cloneNode(true));
  document.body.append(template);

  let shown = false;
  // Called on load for choices made earlier (no event), and on a click (with the event).
  const saved = (groups, event) => {
    if (!event) return;
    status.textContent = "Your cookie choices are saved. You can change them in Cookie settings at the foot of every page.";
    status.focus();
  };

  showCookieBar({
    statusUrl: banner.dataset.statusUrl,
    insertBefore: banner,
    onShow: () => {
      shown = true;
      banner.remove();
    },
    onAccept: saved,
    onDecline: saved,
  })
    .then(() => {
      // Everything was already decided (a page from the cache, say): no banner.
      if (!shown) banner.remove();
    })
    .catch(() => {
      // Keep the server-rendered banner: its forms work without us.
    });
}

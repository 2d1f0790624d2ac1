// The composer, enhanced. Without JavaScript the Preview button posts the form and the page
// comes back with the preview; with it, the preview appears in place and follows the text as it
// is typed. With consent to preference cookies (the server then puts data-draft-key on the
// field), the text is kept in this browser's local storage as it is typed, so a long reply
// survives a closed tab; without that consent, drafts kept earlier are removed.
// No inline script (CSP): everything comes from data- attributes.

const DRAFT_PREFIX = "composer_draft:";
const DRAFT_DAYS = 7;
const LIVE_DELAY = 400; // ms after the last key press

function forgetAllDrafts() {
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(DRAFT_PREFIX)) localStorage.removeItem(key);
    }
  } catch (error) {
    // Storage unavailable (private mode, disabled): nothing was kept either.
  }
}

function readDraft(key) {
  try {
    const draft = JSON.parse(localStorage.getItem(key) || "null");
    if (!draft || typeof draft.text !== "string") return null;
    if (Date.now() - draft.saved > DRAFT_DAYS * 24 * 60 * 60 * 1000) {
      localStorage.removeItem(key);
      return null;
    }
    return draft;
  } catch (error) {
    return null;
  }
}

function setUpComposer(field) {
  const textarea = field.querySelector("textarea");
  const form = field.closest("form");
  const preview = document.getElementById(field.dataset.preview);
  const button = form && form.querySelector('button[name="preview"]');
  if (!textarea || !form) return;

  const actions = form.querySelector(".composer-actions");
  const status = document.createElement("span");
  status.className = "draft-status";
  status.setAttribute("role", "status");
  if (actions) actions.append(status);

  // Live preview.
  if (preview && button) {
    const body = preview.querySelector(".post-body");
    let live = !preview.hidden;
    let timer = null;
    let sent = null;

    const refresh = async () => {
      if (textarea.value === sent) return;
      sent = textarea.value;
      const data = new FormData();
      data.append("source", textarea.value);
      data.append("csrfmiddlewaretoken", form.querySelector('[name="csrfmiddlewaretoken"]').value);
      try {
        const response = await fetch(field.dataset.previewUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
        });
        // The answer is the post's HTML as the site renders and cleans every post.
        if (textarea.value === sent) body.innerHTML = await response.text();
      } catch (error) {
        sent = null; // try again on the next key press
      }
    };

    const show = (on) => {
      live = on;
      preview.hidden = !on;
      button.textContent = on ? "Hide preview" : "Preview";
      button.setAttribute("aria-expanded", String(on));
      if (on) refresh();
    };

    button.setAttribute("aria-controls", preview.id);
    button.setAttribute("aria-expanded", String(live));
    if (live) button.textContent = "Hide preview";
    button.addEventListener("click", (event) => {
      event.preventDefault();
      show(!live);
    });
    textarea.addEventListener("input", () => {
      if (!live) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, LIVE_DELAY);
    });
  }

  // Drafts, only with consent.
  const draftKey = field.dataset.draftKey;
  if (!draftKey) return;
  const key = DRAFT_PREFIX + draftKey;
  const draft = readDraft(key);
  const initial = textarea.value;
  if (draft && draft.text && draft.text !== initial && !form.querySelector(".has-error")) {
    textarea.value = draft.text;
    status.textContent = "Your draft from this browser is back. ";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = "Discard it";
    discard.addEventListener("click", () => {
      localStorage.removeItem(key);
      textarea.value = initial;
      status.textContent = "Draft discarded.";
      textarea.focus();
    });
    status.append(discard);
  }
  let saveTimer = null;
  textarea.addEventListener("input", () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      try {
        if (textarea.value.trim() && textarea.value !== initial) {
          localStorage.setItem(key, JSON.stringify({ text: textarea.value, saved: Date.now() }));
          status.textContent = "Draft kept in this browser.";
        } else {
          localStorage.removeItem(key);
          status.textContent = "";
        }
      } catch (error) {
        status.textContent = "";
      }
    }, 600);
  });
  form.addEventListener("submit", (event) => {
    // Posting (not previewing) ends the draft: the text is now the server's to keep.
    if (!event.submitter || event.submitter.name !== "preview") {
      clearTimeout(saveTimer);
      localStorage.removeItem(key);
    }
  });
}

// Every page says whether drafts may be kept (consent to preference cookies): when not, those
// kept before (consent since withdrawn) go at once.
if (document.documentElement.dataset.keepDrafts !== "yes") forgetAllDrafts();
document.querySelectorAll(".composer-field").forEach(setUpComposer);

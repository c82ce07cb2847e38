// Small behaviours the admin page needs without inline script (the CSP forbids it).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const text = source.value ?? source.textContent.trim();
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    // Clipboard needs a secure context; select the text so Ctrl+C works instead.
    const range = document.createRange();
    range.selectNodeContents(source);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = "Press Ctrl+C";
  }
  setTimeout(() => (button.textContent = "Copy"), 2000);
});

// "Send test request": the browser posts the body to the webhook URL itself, exactly as an
// outside system would, and shows the answer (the logs update by themselves).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-test-url]");
  if (!button) return;
  const body = document.querySelector(button.dataset.testBody).value;
  const result = document.querySelector(button.dataset.testResult);
  button.disabled = true;
  try {
    const response = await fetch(button.dataset.testUrl, { method: "POST", headers: { "content-type": "application/json" }, body, credentials: "omit" });
    const text = await response.text();
    let shown = text;
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {}
    result.textContent = `${response.status} ${response.statusText}\n${shown}`;
    result.dataset.status = String(response.status);
  } catch (error) {
    result.textContent = `The request failed: ${error.message}`;
  } finally {
    result.hidden = false;
    button.disabled = false;
  }
});

// Countdowns (how long a webhook still listens): counted here, so waiting costs no request.
// At zero the section is fetched again and shows that listening ended.
setInterval(() => {
  for (const element of document.querySelectorAll(".countdown[data-seconds]")) {
    const left = Math.max(0, Number(element.dataset.seconds) - 1);
    element.dataset.seconds = String(left);
    element.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (left === 0 && element.dataset.expiredGet) {
      const url = element.dataset.expiredGet;
      delete element.dataset.expiredGet;
      htmx.ajax("GET", url, { target: element.closest("section"), swap: "outerHTML" });
    }
  }
}, 1000);

// Live pages: when their event stream opens (or opens again after the server restarted),
// each live part is fetched once, so nothing that changed before the stream was open is missed.
document.addEventListener("htmx:sseOpen", (event) => {
  for (const element of event.target.querySelectorAll("[hx-trigger*='sse:']")) {
    const name = /sse:([\w-]+)/.exec(element.getAttribute("hx-trigger"))?.[1];
    if (name) htmx.trigger(element, `sse:${name}`);
  }
  document.body.dataset.live = "open";
});

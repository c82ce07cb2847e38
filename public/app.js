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
// outside system would, shows the answer, and asks the logs section to refresh.
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
    document.body.dispatchEvent(new Event("sb:logs-refresh"));
  }
});

// Headers every response carries: no inline script and no framing, on the admin and the API
// docs alike (Swagger UI is started from a script file).
const ADMIN_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

export const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "content-security-policy": ADMIN_CSP,
  "x-frame-options": "DENY",
} as const;

export function withSecurityHeaders(response: Response): Response {
  const headers = response.headers;
  headers.set("x-content-type-options", SECURITY_HEADERS["x-content-type-options"]);
  headers.set("referrer-policy", SECURITY_HEADERS["referrer-policy"]);
  if (!headers.has("content-security-policy")) {
    headers.set("content-security-policy", ADMIN_CSP);
    headers.set("x-frame-options", SECURITY_HEADERS["x-frame-options"]);
  }
  return response;
}

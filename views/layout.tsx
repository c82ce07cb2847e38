/** @jsxImportSource @kitajs/html */
// The page frame every admin page shares. htmx and the stylesheet come from the binary.
import type { PropsWithChildren } from "@kitajs/html";

// Swap 422 answers too: they carry the form again with its error in it.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  // Swapped-in content is wired up (its hx- attributes processed) in the same task that
  // inserts it. With htmx's default 20 ms settle, a form that is already on screen could be
  // submitted in those 20 ms as a plain, non-htmx form. No style here animates the settle.
  defaultSettleDelay: 0,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
  ],
});

export interface LayoutProps {
  title: string;
  csrf?: string;
  active?: "bots" | "inbox" | "deliveries" | "integration" | "settings" | "audit";
  /** What the page shows that can change while it is open: it listens for these topics. */
  live?: string[];
  /** The nav links the signed-in user's role opens (every link when absent). */
  nav?: readonly string[];
}

// The signed-in nav: each link shown when the user's role opens it.
const NAV_LINKS = [
  { href: "/admin", label: "Bots", key: "bots" },
  { href: "/admin/inbox", label: "Inbox", key: "inbox" },
  { href: "/admin/deliveries", label: "Deliveries", key: "deliveries" },
  { href: "/admin/integration", label: "Integration", key: "integration" },
  { href: "/admin/settings", label: "Settings", key: "settings" },
  { href: "/admin/audit", label: "Audit", key: "audit" },
] as const;
export const NAV_HREFS = NAV_LINKS.map((link) => link.href);

export function Layout({ title, csrf, active, live, nav, children }: PropsWithChildren<LayoutProps>) {
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title safe>{`${title} · Switchboard`}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/app.css" />
          <script src="/static/htmx.min.js" defer></script>
          <script src="/static/htmx-ext-sse.min.js" defer></script>
          <script src="/static/app.js" defer></script>
        </head>
        <body hx-headers={csrf ? JSON.stringify({ "X-CSRF-Token": csrf }) : undefined} hx-ext={live?.length ? "sse" : undefined}>
          <header class="topbar">
            <a class="brand" href={nav && !nav.includes("/admin") ? (nav[0] ?? "/admin/account") : "/admin"}>Switchboard</a>
            {csrf ? (
              <nav>
                {NAV_LINKS.filter((link) => !nav || nav.includes(link.href)).map((link) => (
                  <a href={link.href} class={active === link.key ? "active" : undefined}>
                    {link.label}
                  </a>
                ))}
                <a href="/admin/account">Account</a>
                <a href="/docs">API docs</a>
                <form method="post" action="/admin/logout" class="inline">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="link">Log out</button>
                </form>
              </nav>
            ) : (
              ""
            )}
          </header>
          <main sse-connect={live?.length ? `/admin/events?topics=${live.join(",")}` : undefined}>{children}</main>
        </body>
      </html>
    </>
  );
}

/**
 * A part of a page that updates by itself: when `topic` is published, `url` is fetched and
 * replaces the element with id `target` inside. The wrapper itself is never swapped, so its
 * event listener stays put whatever the part's own forms swap; it passes nothing on to them.
 */
export function Live({ topic, url, target, include, children }: PropsWithChildren<{ topic: string; url: string; target: string; include?: string }>) {
  return (
    <div class="live" hx-get={url} hx-trigger={`sse:${topic}`} hx-target={`find #${target}`} hx-swap="outerHTML" hx-include={include} hx-disinherit="*">
      {children}
    </div>
  );
}

/** Where this page sits: each step a link (the page itself is its heading). */
export function Crumbs({ steps }: { steps: { label: string; href: string }[] }) {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      {steps.map((step, i) => (
        <>
          {i > 0 ? " / " : ""}
          <a href={step.href} safe>
            {step.label}
          </a>
        </>
      ))}
    </nav>
  );
}

export function ErrorText({ message }: { message?: string | null }) {
  return message ? (
    <p class="error" role="alert" safe>
      {message}
    </p>
  ) : (
    ""
  );
}

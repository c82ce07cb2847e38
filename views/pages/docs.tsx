/** @jsxImportSource @kitajs/html */
// The API docs: Swagger UI over /docs/json (served from the binary, started by a script file,
// so the page keeps the admin's CSP), and the guide: the prose the schemas cannot say.
export function DocsPage() {
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Switchboard API</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/swagger-ui.css" />
          <link rel="stylesheet" href="/static/app.css" />
          <script src="/static/swagger-ui-bundle.js" defer></script>
          <script src="/static/docs.js" defer></script>
        </head>
        <body class="docs">
          <header class="topbar">
            <a class="brand" href="/admin">Switchboard</a>
            <nav>
              <a href="/admin">Back to the admin</a>
              <a href="/docs/guide">Guide</a>
              <a href="/docs" class="active">API reference</a>
              <a href="/docs/json">OpenAPI JSON</a>
            </nav>
          </header>
          <div id="swagger-ui"></div>
        </body>
      </html>
    </>
  );
}

/** `guideHtml` is the guide's markdown rendered by the server (our own text, tags filtered). */
export function GuidePage({ guideHtml }: { guideHtml: string }) {
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Switchboard API guide</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/app.css" />
        </head>
        <body>
          <header class="topbar">
            <a class="brand" href="/admin">Switchboard</a>
            <nav>
              <a href="/admin">Back to the admin</a>
              <a href="/docs/guide" class="active">Guide</a>
              <a href="/docs">API reference</a>
            </nav>
          </header>
          <main class="guide">{guideHtml}</main>
        </body>
      </html>
    </>
  );
}

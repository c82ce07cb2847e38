/** @jsxImportSource @kitajs/html */
// Login, first-run setup, and the plain message page.
import { ErrorText, Layout } from "../layout";

export function LoginPage({ error, username = "" }: { error?: string; username?: string }) {
  return (
    <Layout title="Log in">
      <section class="card narrow">
        <h1>Log in</h1>
        <form method="post" action="/admin/login">
          <label>
            Name <span class="muted">(empty for the owner account, admin)</span>
            <input name="username" value={username} autocomplete="username" maxlength="64" />
          </label>
          <label>
            Password
            <input type="password" name="password" autocomplete="current-password" required autofocus />
          </label>
          <ErrorText message={error} />
          <button type="submit">Log in</button>
        </form>
      </section>
    </Layout>
  );
}

export function SetupPage({ token, error, minLength }: { token: string; error?: string; minLength: number }) {
  return (
    <Layout title="Set up">
      <section class="card narrow">
        <h1>Welcome to Switchboard</h1>
        <p>Choose the admin password. This link works once.</p>
        <form method="post" action="/admin/setup">
          <input type="hidden" name="token" value={token} />
          <label>
            Password
            <input type="password" name="password" autocomplete="new-password" minlength={String(minLength)} required autofocus />
          </label>
          <label>
            Repeat password
            <input type="password" name="confirm" autocomplete="new-password" required />
          </label>
          <ErrorText message={error} />
          <button type="submit">Save password</button>
        </form>
      </section>
    </Layout>
  );
}

/** A page that says one thing; signed in (`csrf` and `nav` given), with the user's nav. */
export function MessagePage({ title, message, back = "/admin", csrf, nav }: { title: string; message: string; back?: string; csrf?: string; nav?: readonly string[] }) {
  return (
    <Layout title={title} csrf={csrf} nav={nav}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <p safe>{message}</p>
        <p>
          <a href={back}>Back to the admin page</a>
        </p>
      </section>
    </Layout>
  );
}

/** @jsxImportSource @kitajs/html */
// A user's own account: two-factor sign-in on or off, and the second step of signing in.
import { ErrorText, Layout } from "../layout";

export interface AccountProps {
  csrf: string;
  /** The nav links this user's role opens (all when absent). */
  nav?: readonly string[];
  username: string;
  role: string;
  enabled: boolean;
  recoveryLeft: number;
  /** The installation requires it of this user (an owner), who cannot go elsewhere until it is on. */
  required?: boolean;
  /** Turning on: the secret to enter in an app, and its otpauth:// URI. */
  proposal?: { secret: string; uri: string };
  /** Just turned on: the recovery codes, shown once. */
  recoveryCodes?: string[];
  error?: string;
}

export function AccountPage({ csrf, nav, username, role, enabled, recoveryLeft, required, proposal, recoveryCodes, error }: AccountProps) {
  return (
    <Layout title="Your account" csrf={csrf} nav={nav}>
      <h1>Your account</h1>
      <section id="two-factor" class="card">
        <p safe>{`Signed in as ${username} (${role}).`}</p>
        <h2>Two-factor sign-in</h2>
        {required && !enabled ? <p class="notice" role="status">This installation requires owners to sign in with two factors: set it up to go on.</p> : ""}
        <ErrorText message={error} />
        {recoveryCodes ? (
          <div class="notice" role="status">
            <p>Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs you in once without your phone, and they are not shown again.</p>
            <pre id="recovery-codes" safe>{recoveryCodes.join("\n")}</pre>
          </div>
        ) : (
          ""
        )}
        {enabled ? (
          <>
            <p safe>{`On: after your password, sign-in asks for a code from your authenticator app. ${recoveryLeft} recovery codes left.`}</p>
            <form class="row" method="post" action="/admin/account/two-factor/off">
              <input type="hidden" name="_csrf" value={csrf} />
              <label>
                A current code or a recovery code
                <input name="code" autocomplete="one-time-code" required />
              </label>
              <button type="submit" class="secondary">Turn off</button>
            </form>
          </>
        ) : proposal ? (
          <>
            <p>Add this key to your authenticator app (Google Authenticator, Authy, 1Password, FreeOTP…), by typing it or by opening the link on your phone, then enter the code the app shows.</p>
            <p>
              Key: <code id="totp-secret" safe>{proposal.secret}</code>
            </p>
            <p class="muted">
              <a href={proposal.uri} safe>{proposal.uri}</a>
            </p>
            <form class="row" method="post" action="/admin/account/two-factor/on">
              <input type="hidden" name="_csrf" value={csrf} />
              <input type="hidden" name="secret" value={proposal.secret} />
              <label>
                Code from the app
                <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus />
              </label>
              <button type="submit">Turn on</button>
            </form>
          </>
        ) : (
          <>
            <p>Off: your password alone signs you in.</p>
            <form method="post" action="/admin/account/two-factor/start">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">Set up two-factor sign-in</button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}

export function SecondStepPage({ error }: { error?: string }) {
  return (
    <Layout title="Two-factor sign-in">
      <section class="card narrow">
        <h1>One more step</h1>
        <form method="post" action="/admin/login/two-factor">
          <label>
            Code from your authenticator app, or a recovery code
            <input name="code" autocomplete="one-time-code" required autofocus />
          </label>
          <ErrorText message={error} />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}

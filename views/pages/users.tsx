/** @jsxImportSource @kitajs/html */
// The team (owners only): users with their role and state, open invitations, and a new
// invitation's link shown once. Swapped as one unit (#users).
import type { Invitation, User } from "../../src/modules/admin/accounts";
import { ErrorText, Layout } from "../layout";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

function RoleSelect({ roles, selected }: { roles: readonly string[]; selected?: string }) {
  return (
    <select name="role">
      {roles.map((role) => (
        <option value={role} selected={role === selected}>
          {role}
        </option>
      ))}
    </select>
  );
}

export interface UsersProps {
  csrf: string;
  /** The nav links this user's role opens (all when absent). */
  nav?: readonly string[];
  roles: readonly string[];
  users: User[];
  /** The users who sign in with two factors. */
  withTwoFactor: number[];
  invitations: Invitation[];
  me: number;
  /** A new invitation's (or password-reset) link: shown once, never stored. */
  link?: { url: string; role: string; expiresAt: number; forUser?: string };
  error?: string;
}

export function UsersSection({ csrf, roles, users, withTwoFactor, invitations, me, link, error }: UsersProps) {
  // A new link, shown once: a password reset's above the users, an invitation's under "Invite someone".
  const linkNotice = link ? (
    <div class="notice" role="status">
      <p safe>{`${link.forUser ? `A link for ${link.forUser} to choose a new password` : `A link for a new ${link.role}`}, valid until ${when(link.expiresAt)}. Send it to the person; it works once and is not shown again:`}</p>
      <div class="copy-row">
        <code id="invitation-link" safe>
          {link.url}
        </code>
        <button type="button" class="secondary small" data-copy="#invitation-link">
          Copy
        </button>
      </div>
    </div>
  ) : (
    ""
  );
  const post = (path: string, confirm?: string) => ({ method: "post", action: path, "hx-post": path, "hx-target": "#users", "hx-swap": "outerHTML", "hx-confirm": confirm });
  return (
    <section id="users" class="card">
      <h2>Users</h2>
      <ErrorText message={error} />
      {link?.forUser ? linkNotice : ""}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Since</th>
            <th>State</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr class={user.disabled_at ? "revoked" : undefined}>
              <td safe>{`${user.username}${user.id === me ? " (you)" : ""}`}</td>
              <td>
                <form class="inline" {...post(`/admin/users/${user.id}/role`)}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <RoleSelect roles={roles} selected={user.role} />
                  <button type="submit" class="secondary small">
                    Change
                  </button>
                </form>
              </td>
              <td safe>{when(user.created_at)}</td>
              <td safe>{`${user.disabled_at ? `disabled ${when(user.disabled_at)}` : "active"}${withTwoFactor.includes(user.id) ? ", two-factor" : ""}`}</td>
              <td class="actions">
                <form class="inline" {...post(`/admin/users/${user.id}/${user.disabled_at ? "enable" : "disable"}`, user.disabled_at ? undefined : `Disable ${user.username}? Their sessions end at once.`)}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="secondary small">
                    {user.disabled_at ? "Enable" : "Disable"}
                  </button>
                </form>
                {withTwoFactor.includes(user.id) ? (
                  <form class="inline" {...post(`/admin/users/${user.id}/two-factor/off`, `Turn off two-factor sign-in for ${user.username}? They sign in with the password alone until they turn it on again.`)}>
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="secondary small">
                      Turn off two-factor
                    </button>
                  </form>
                ) : (
                  ""
                )}
                <form class="inline" {...post(`/admin/users/${user.id}/reset-link`)}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="secondary small">
                    Password reset link
                  </button>
                </form>
                <form class="inline" {...post(`/admin/users/${user.id}/delete`, `Delete ${user.username}? This cannot be undone.`)}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="danger small">
                    Delete
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Invite someone</h3>
      {link && !link.forUser ? linkNotice : ""}
      <form class="row" {...post("/admin/users/invitations")}>
        <input type="hidden" name="_csrf" value={csrf} />
        <label>
          Role
          <RoleSelect roles={roles} selected="agent" />
        </label>
        <button type="submit">Create an invitation link</button>
      </form>
      {invitations.length ? (
        <table>
          <thead>
            <tr>
              <th>Open invitation</th>
              <th>Expires</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr>
                <td safe>{`${invitation.for_user !== null ? `password reset for ${users.find((user) => user.id === invitation.for_user)?.username ?? "a deleted user"}` : `for a new ${invitation.role}`}, made ${when(invitation.created_at)}`}</td>
                <td safe>{when(invitation.expires_at)}</td>
                <td class="actions">
                  <form class="inline" {...post(`/admin/users/invitations/${invitation.id}/delete`)}>
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="secondary small">
                      Withdraw
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No open invitations.</p>
      )}
    </section>
  );
}

export function UsersPage(props: UsersProps) {
  return (
    <Layout title="Users" csrf={props.csrf} nav={props.nav} active="settings">
      <h1>Users</h1>
      <p class="muted">Who may use this admin, and what each role may do: see the README's Operations section.</p>
      <UsersSection {...props} />
    </Layout>
  );
}

/**
 * The invitee's page: choose a name and a password (public, reached with the link's token). With
 * `resetFor`, a password-reset link: the named user chooses a new password.
 */
export function InvitePage({ token, role, resetFor, error, username = "", minLength }: { token: string; role: string; resetFor?: string; error?: string; username?: string; minLength: number }) {
  return (
    <Layout title={resetFor ? "New password" : "Join"}>
      <section class="card narrow">
        <h1>{resetFor ? "Choose a new password" : "Join Switchboard"}</h1>
        <p safe>{resetFor ? `A new password for ${resetFor}. Every session of the old one ends. This link works once.` : `You are invited as ${role}. Choose the name you will sign in with, and a password. This link works once.`}</p>
        <form method="post" action="/admin/invite">
          <input type="hidden" name="token" value={token} />
          {resetFor ? (
            <input type="hidden" name="username" value={resetFor} autocomplete="username" />
          ) : (
            <label>
              Name
              <input name="username" value={username} autocomplete="username" maxlength="64" required autofocus />
            </label>
          )}
          <label>
            Password
            <input type="password" name="password" autocomplete="new-password" minlength={String(minLength)} required />
          </label>
          <label>
            Repeat password
            <input type="password" name="confirm" autocomplete="new-password" required />
          </label>
          <ErrorText message={error} />
          <button type="submit">{resetFor ? "Set the password" : "Join"}</button>
        </form>
      </section>
    </Layout>
  );
}

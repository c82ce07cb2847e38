/** @jsxImportSource @kitajs/html */
// API tokens: list, create (the new token shown once), revoke; swapped as one unit (#tokens).
import type { ApiToken } from "../../src/modules/tokens/service";
import type { Bot } from "../../src/modules/bots/service";
import { ErrorText } from "../layout";

const when = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC");

/** `roles`: the roles a token may be given (none: full access). */
export function TokensSection({ tokens, bots, roles, created, error }: { tokens: ApiToken[]; bots: Bot[]; roles: readonly string[]; created?: { name: string; token: string }; error?: string }) {
  const botName = (id: number | null) => (id === null ? "all bots" : (bots.find((b) => b.id === id)?.name ?? "deleted bot"));
  return (
    <section id="tokens" class="card">
      <h2>API tokens</h2>
      <p class="muted">
        Send a token as <code>Authorization: Bearer TOKEN</code>. Only a hash is stored: a token is shown once, when it is created.
      </p>
      {created ? (
        <div class="notice" role="status">
          <p>
            New token <strong safe>{created.name}</strong>, copy it now:
          </p>
          <div class="copy-row">
            <code id="new-token" safe>
              {created.token}
            </code>
            <button type="button" class="secondary small" data-copy="#new-token">
              Copy
            </button>
          </div>
        </div>
      ) : (
        ""
      )}
      {tokens.length === 0 ? (
        <p class="muted">No tokens yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Starts with</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Last used</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr class={token.revoked_at ? "revoked" : undefined}>
                <td safe>{token.name}</td>
                <td>
                  <code safe>{`${token.prefix}…`}</code>
                </td>
                <td safe>{`${botName(token.bot_id)}${token.role ? `, role ${token.role}` : ""}${token.agent_id ? `, agent ${token.agent_id}` : ""}${token.read_only ? ", read only" : ""}`}</td>
                <td safe>{`${when(token.created_at)}${token.created_by ? ` by ${token.created_by}` : ""}`}</td>
                <td safe>{when(token.last_used_at)}</td>
                <td class="actions">
                  {token.revoked_at ? (
                    <span class="muted">revoked</span>
                  ) : (
                    <form method="post" action={`/admin/settings/tokens/${token.id}/revoke`} hx-post={`/admin/settings/tokens/${token.id}/revoke`}
                      hx-target="#tokens" hx-swap="outerHTML" hx-confirm={`Revoke ${token.name}? Clients using it stop working at once.`}>
                      <button type="submit" class="danger small">Revoke</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" method="post" action="/admin/settings/tokens" hx-post="/admin/settings/tokens" hx-target="#tokens" hx-swap="outerHTML">
        <label>
          Token name
          <input name="name" required maxlength="100" placeholder="crm-integration" />
        </label>
        <label>
          Scope
          <select name="bot">
            <option value="">all bots</option>
            {bots.map((bot) => (
              <option value={bot.flow_ns} safe>
                {bot.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select name="role">
            <option value="">full access</option>
            {roles.map((role) => (
              <option value={role}>{role}</option>
            ))}
          </select>
        </label>
        <label class="inline-check">
          <input type="checkbox" name="read_only" value="1" /> Read only
        </label>
        <label>
          Agent id (optional)
          <input name="agent_id" type="number" min="1" class="short" />
        </label>
        <button type="submit">Create token</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

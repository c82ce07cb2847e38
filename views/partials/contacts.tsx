/** @jsxImportSource @kitajs/html */
// A bot's contacts: search box, list (#contact-list, swapped on search), and add form.
import type { Bot } from "../../src/modules/bots/service";
import type { Contact } from "../../src/modules/contacts/service";
import { ErrorText } from "../layout";
import { contactName } from "../format";


export function ContactList({ bot, contacts, nextCursor, q }: { bot: Bot; contacts: Contact[]; nextCursor: string | null; q: string }) {
  const more = nextCursor ? `/admin/bots/${bot.flow_ns}/contacts?q=${encodeURIComponent(q)}&cursor=${nextCursor}` : null;
  return (
    <div id="contact-list">
      {contacts.length === 0 ? (
        <p class="muted">{q ? "No contact matches." : "No contacts yet."}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Phone</th>
              <th>Email</th>
              <th>Tags</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr>
                <td>
                  <a href={`/admin/contacts/${c.user_ns}`} safe>
                    {contactName(c)}
                  </a>
                </td>
                <td safe>{c.phone ?? "—"}</td>
                <td safe>{c.email ?? "—"}</td>
                <td>{(JSON.parse(c.tags) as string[]).map((tag) => <span class="tag" safe>{tag}</span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="row">
        {more ? (
          <a href={more} hx-get={more} hx-target="#contact-list" hx-swap="outerHTML" class="button secondary">
            Older contacts
          </a>
        ) : (
          ""
        )}
        {/* A plain link: the browser downloads the file (htmx leaves it alone). */}
        <a href={`/admin/bots/${bot.flow_ns}/contacts/export${q ? `?q=${encodeURIComponent(q)}` : ""}`} class="button secondary" id="contacts-export" download="">
          {q ? "Export these as CSV" : "Export all as CSV"}
        </a>
        <a href={`/admin/bots/${bot.flow_ns}/import`} class="button secondary" id="contacts-import">
          Import CSV
        </a>
      </div>
    </div>
  );
}

export function ContactsSection(props: { bot: Bot; contacts: Contact[]; nextCursor: string | null; q: string; typed?: Record<string, string | undefined>; error?: string }) {
  const base = `/admin/bots/${props.bot.flow_ns}/contacts`;
  const typed = (key: string) => props.typed?.[key] ?? "";
  return (
    <section id="contacts" class="card">
      <h2>Contacts</h2>
      <input type="search" name="q" value={props.q} placeholder="Search name, phone, email or user_ns" aria-label="Search contacts"
        hx-get={base} hx-trigger="input changed delay:250ms, search" hx-target="#contact-list" hx-swap="outerHTML" />
      <ContactList {...props} />
      <details open={props.error ? true : undefined}>
        <summary>Add a contact</summary>
        <form class="row" method="post" action={base} hx-post={base} hx-target="#contacts" hx-swap="outerHTML">
          <label>
            Phone
            <input name="phone" value={typed("phone")} placeholder="+1 415 555 0100" />
          </label>
          <label>
            Email
            <input name="email" type="email" value={typed("email")} />
          </label>
          <label>
            First name
            <input name="first_name" value={typed("first_name")} />
          </label>
          <label>
            Last name
            <input name="last_name" value={typed("last_name")} />
          </label>
          <button type="submit">Add contact</button>
        </form>
      </details>
      <ErrorText message={props.error} />
    </section>
  );
}

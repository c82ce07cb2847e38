// Small formatting shared by the views.
import type { Contact } from "../src/modules/contacts/service";
import { withoutCredentials } from "../src/lib/write-only";

/** A delivery's request line; a user name or password in its URL is masked. */
export const requestLine = (d: { method: string; target_url: string | null }) => (d.target_url ? `${d.method} ${withoutCredentials(d.target_url)}` : "—");

/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** What to call a contact: their name, else phone, email or user_ns. */
export const contactName = (c: Pick<Contact, "first_name" | "last_name" | "phone" | "email" | "user_ns">) =>
  [c.first_name, c.last_name].filter(Boolean).join(" ") || c.phone || c.email || c.user_ns;

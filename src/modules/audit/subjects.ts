// What a state-changing route changes, read from its route template, so that every route
// (new ones too) is named without a list to keep up: `/api/v1/inbound-webhooks/:id/rotate-secret`
// is the webhook named by :id, action "rotate-secret"; `POST /admin/bots/:flow_ns/fields` creates
// a field whose id the answer tells. test/security/audit-log.test.ts walks every route.

export interface Subject {
  entity: string;
  action: string;
  /** Where the entity's id is: a route parameter, a body field, the answer (a creation), the
   *  signed-in user (one's own account), or nowhere (an installation-wide thing). */
  id: { from: "param"; name: string } | { from: "body"; names: string[] } | { from: "created"; name: string } | { from: "self" } | { from: "none" };
}

/** Path segments naming a collection, and the entity each holds. */
const COLLECTIONS: Record<string, string> = {
  bots: "bot",
  fields: "field",
  contacts: "contact",
  "contact-imports": "contact_import",
  imports: "contact_import",
  import: "contact_import",
  "inbound-webhooks": "webhook",
  webhooks: "webhook",
  "test-payloads": "test_payload",
  replays: "replay",
  logs: "webhook_log",
  deliveries: "delivery",
  "alert-destinations": "alert_destination",
  tokens: "api_token",
  users: "user",
  invitations: "invitation",
  messages: "message",
  "sub-flows": "sub_flow",
};

/** Installation-wide things a route changes as a whole. */
const SINGLETONS: Record<string, string> = {
  settings: "settings",
  integration: "integration",
  integrations: "integration",
  "target-limits": "target_limits",
  throttles: "target_limits",
  targets: "target",
  "alert-thresholds": "alert_thresholds",
  deliveries: "delivery",
  account: "user",
  login: "session",
  logout: "session",
  setup: "user",
  invite: "user",
};

/** The key an entity is named by in routes and answers (its public id), when not `id`. */
export const ID_KEYS: Record<string, string> = { bot: "flow_ns", contact: "user_ns", delivery: "id" };

// Requests that change nothing: previews, dry matches and checks that only compute an answer.
const READS_ONLY = /\/(preview|match)$|\/replays\/preview$|\/retry\/preview$/;

const DEFAULT_ACTION: Record<string, string> = { PATCH: "update", PUT: "update", DELETE: "delete", POST: "update" };

/** The subject of a state-changing route, or null when the route changes nothing. */
export function subjectOf(method: string, route: string): Subject | null {
  if (READS_ONLY.test(route)) return null;
  // The UChat-style API names its contact, field or tag in the body.
  const uchat = /^\/api\/(subscriber|flow)\/([a-z-]+)$/.exec(route);
  if (uchat) {
    const action = uchat[2]!;
    if (uchat[1] === "subscriber") return { entity: "contact", action, id: action === "create" ? { from: "created", name: "user_ns" } : { from: "body", names: ["user_ns"] } };
    const entity = action.includes("tag") ? "tag" : "field";
    return { entity, action, id: action.startsWith("create") ? { from: "body", names: ["name"] } : { from: "body", names: entity === "tag" ? ["tag_ns", "name"] : ["var_ns", "name"] } };
  }
  const segments = route.replace(/^\/(api\/v1|admin)(\/|$)/, "").split("/").filter(Boolean);
  // Positional parts (a condition's :index) belong to the entity before them.
  const named = segments.map((segment, i) => ({ segment, i })).filter(({ segment, i }) => segment.startsWith(":") && segment !== ":index" && i > 0);
  const last = named.at(-1);
  if (last) {
    const tail = segments.slice(last.i + 1).filter((s) => !s.startsWith(":"));
    const created = method === "POST" && tail.length === 1 ? COLLECTIONS[tail[0]!] : undefined;
    if (created) return { entity: created, action: "create", id: { from: "created", name: ID_KEYS[created] ?? "id" } };
    const entity = COLLECTIONS[segments[last.i - 1]!] ?? segments[last.i - 1]!;
    return { entity, action: tail.join("/") || DEFAULT_ACTION[method]!, id: { from: "param", name: last.segment.slice(1) } };
  }
  const collection = segments.at(-1) ? COLLECTIONS[segments.at(-1)!] : undefined;
  if (method === "POST" && collection && !SINGLETONS[segments[0]!]) return { entity: collection, action: "create", id: { from: "created", name: ID_KEYS[collection] ?? "id" } };
  if (method === "POST" && collection && segments.length > 1) return { entity: collection, action: "create", id: { from: "created", name: "id" } };
  const head = segments[0] ?? "";
  const entity = SINGLETONS[head] ?? head;
  // Signing in and out, setting up and joining: the user is the one who did it.
  const signedIn = ["login", "logout", "setup", "invite"].includes(head);
  const action = segments.slice(1).join("/") || (signedIn ? head : DEFAULT_ACTION[method]!);
  return { entity, action: signedIn && action === "two-factor" ? "login/two-factor" : action, id: entity === "user" || signedIn ? { from: "self" } : { from: "none" } };
}

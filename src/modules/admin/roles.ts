// Who may do what in the admin. Each user has one role; each admin route needs one capability,
// found by the first rule below that matches its method and path (test/security/admin-roles.test.ts
// walks every admin route with every role, and fails on a route no rule names).
export const ROLES = ["owner", "admin", "operator", "agent", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/**
 * - session: signing out, live updates: anyone signed in.
 * - chat_view / chat: the Inbox and a contact's conversation; answering, pausing, assigning.
 * - view / build: the bots, webhooks, fields, contacts, deliveries and imports; changing them.
 * - settings_view / settings: installation settings, API tokens, the integration, alerts.
 * - users: the team itself (owners only).
 */
export type Capability = "session" | "chat_view" | "chat" | "view" | "build" | "settings_view" | "settings" | "users";

const CAPABILITIES: Record<Role, readonly Capability[]> = {
  owner: ["session", "chat_view", "chat", "view", "build", "settings_view", "settings", "users"],
  admin: ["session", "chat_view", "chat", "view", "build", "settings_view", "settings"],
  operator: ["session", "chat_view", "view", "build"],
  agent: ["session", "chat_view", "chat"],
  viewer: ["session", "chat_view", "view", "settings_view"],
};

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
export const can = (role: Role, capability: Capability): boolean => CAPABILITIES[role].includes(capability);

type Rule = [method: "GET" | "POST", path: RegExp, capability: Capability];

// First match wins: the narrow rules come before the wide ones.
const RULES: Rule[] = [
  ["POST", /^\/admin\/logout$/, "session"],
  // The team: owners only, reading it too.
  ["GET", /^\/admin\/users(\/.*)?$/, "users"],
  ["POST", /^\/admin\/users(\/.*)?$/, "users"],
  ["GET", /^\/admin\/events$/, "session"],
  // One's own account (two-factor sign-in).
  ["GET", /^\/admin\/account\/?$/, "session"],
  ["POST", /^\/admin\/account\/two-factor\/(start|on|off)$/, "session"],
  // The Inbox and a contact's conversation.
  ["GET", /^\/admin\/inbox(\/list)?$/, "chat_view"],
  ["GET", /^\/admin\/contacts\/[^/]+(\/messages|\/state)?$/, "chat_view"],
  ["POST", /^\/admin\/contacts\/[^/]+\/(send|receive|pause|resume|assign)$/, "chat"],
  // Installation settings, tokens, the integration, alerts.
  ["GET", /^\/admin\/(settings|integration|audit)(\/.*)?$/, "settings_view"],
  ["POST", /^\/admin\/(settings|integration|alert-destinations|alert-thresholds)(\/.*)?$/, "settings"],
  // Everything else: bots, webhooks, fields, contacts, deliveries, imports, throttles, targets.
  ["GET", /^\/admin(\/.*)?$/, "view"],
  ["POST", /^\/admin\/.+$/, "build"],
];

/** The capability an admin route needs, or null when no rule names it (refused to everyone). */
export function capabilityFor(method: string, route: string): Capability | null {
  const verb = method === "HEAD" ? "GET" : method;
  return RULES.find(([m, path]) => m === verb && path.test(route))?.[2] ?? null;
}

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
/** The roles an API token may have: the API has no users to manage, so no owner. */
export const TOKEN_ROLES = ["admin", "operator", "agent", "viewer"] as const satisfies readonly Role[];
export type TokenRole = (typeof TOKEN_ROLES)[number];
export const isTokenRole = (value: unknown): value is TokenRole => (TOKEN_ROLES as readonly unknown[]).includes(value);
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

type ApiRule = [methods: "read" | "write", path: RegExp, capability: Capability];

// The API, for tokens with a role: the same capabilities as the admin's pages.
const API_RULES: ApiRule[] = [
  // Installation settings, the integration, alerts, the audit log.
  ["read", /^\/api\/v1\/(settings|integrations|alert-destinations|alert-thresholds|audit-log)(\/.*)?$/, "settings_view"],
  ["write", /^\/api\/v1\/(settings|integrations|alert-destinations|alert-thresholds)(\/.*)?$/, "settings"],
  // Conversations: a contact, its messages; answering, pausing, assigning.
  ["read", /^\/api\/v1\/contacts\/[^/]+(\/messages)?$/, "chat_view"],
  ["read", /^\/api\/subscriber\/(chat-messages|get-info|get-info-by-user-id)$/, "chat_view"],
  ["write", /^\/api\/v1\/contacts\/[^/]+\/(messages|pause|resume|assign)$/, "chat"],
  ["write", /^\/api\/subscriber\/(send-text|send-content|send-sub-flow(-by-flow-name|-by-user-id)?|pause-bot|resume-bot|assign-agent|unassign-agent)$/, "chat"],
  // Everything else: bots, webhooks, fields, contacts, tags, deliveries, imports, limits, targets.
  ["read", /^\/api\//, "view"],
  ["write", /^\/api\//, "build"],
];

/** The capability an API route needs of a token with a role, or null when no rule names it. */
export function apiCapabilityFor(method: string, route: string): Capability | null {
  const kind = method === "GET" || method === "HEAD" ? "read" : "write";
  return API_RULES.find(([m, path]) => m === kind && path.test(route))?.[2] ?? null;
}

/** The capability an admin route needs, or null when no rule names it (refused to everyone). */
export function capabilityFor(method: string, route: string): Capability | null {
  const verb = method === "HEAD" ? "GET" : method;
  return RULES.find(([m, path]) => m === verb && path.test(route))?.[2] ?? null;
}

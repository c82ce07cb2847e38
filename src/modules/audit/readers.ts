// How the audit log reads each kind of thing before and after a change: by the id its routes
// name it by, as the API shows it (write-only secrets come out masked in audit-change.ts).
import type { Services } from "../../app";
import type { Reader } from "./recorder";

export function auditReaders(services: Services): Record<string, Reader> {
  const { bots, fields, contacts, webhooks, tokens, accounts, twoFactor, settings, integration, targetLimits, alerts, csvImports, testPayloads, deliveries, subFlows } = services;
  const user = (id: string) => {
    const found = accounts.user(Number(id));
    return found && { username: found.username, role: found.role, disabled: found.disabled_at !== null, two_factor: twoFactor.enabled(found.id) };
  };
  return {
    bot: (flowNs) => {
      const { provider_settings, ...bot } = bots.get(flowNs);
      return { ...bot, provider_settings: JSON.parse(provider_settings) as unknown };
    },
    field: (id, params) => fields.list(bots.get(params.flow_ns!).id).find((field) => field.id === Number(id)) ?? null,
    contact: (userNs) => {
      const { contact, bot } = contacts.get(userNs);
      return { ...contact, flow_ns: bot.flow_ns, tags: JSON.parse(contact.tags) as unknown, fields: contacts.fieldValues(contact.id) };
    },
    webhook: (id) => webhooks.find(Number(id)),
    test_payload: (id, params) => testPayloads.get(Number(params.id), Number(id)),
    contact_import: (id) => csvImports.get(Number(id)).job,
    delivery: (publicId) => {
      const { id: _, ...delivery } = deliveries.get(publicId);
      return delivery;
    },
    sub_flow: (id) => subFlows.byId(Number(id)),
    api_token: (id) => {
      const found = tokens.list().find((token) => token.id === Number(id));
      if (!found) return null;
      const { token_hash: _, ...token } = found;
      return token;
    },
    alert_destination: (id) => alerts.destinations().find((destination) => destination.id === Number(id)) ?? null,
    user,
    session: user,
    settings: () => settings.get(),
    integration: () => integration.get(),
    target_limits: () => Object.fromEntries(targetLimits.list().map((limit) => [limit.origin, limit])),
    alert_thresholds: () => alerts.thresholds(),
  };
}

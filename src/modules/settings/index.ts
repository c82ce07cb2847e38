// HTTP routes for installation settings: /api/v1/settings.
import { Elysia, t } from "elysia";
import { documented, refuseUnknownFields } from "../../http/schema";
import type { Settings } from "./service";
import type { BearerAuth } from "../tokens/index";

export const settingsPatch = t.Object({
  max_inbound_webhooks_per_bot: t.Optional(t.Integer({ minimum: 1, maximum: 100 })),
  log_retention_days: t.Optional(t.Integer({ minimum: 1, maximum: 3650 })),
  audit_retention_days: t.Optional(t.Integer({ minimum: 1, maximum: 3650, description: "Days the audit log keeps its rows (default 365)." })),
  delivery_timeout_seconds: t.Optional(t.Integer({ minimum: 1, maximum: 120 })),
  max_deliveries_in_flight: t.Optional(t.Integer({ minimum: 1, maximum: 256 })),
  allow_private_targets: t.Optional(t.Boolean({ description: "Deliveries to private and loopback addresses (link-local and metadata addresses are always refused)." })),
  require_owner_two_factor: t.Optional(t.Boolean({ description: "Owners must sign in with two factors: an owner without it is sent to set it up before any other page." })),
});

const settingsJson = t.Object({
  team_id: t.Integer({ description: "This installation (meta.team_id in relays)" }),
  max_inbound_webhooks_per_bot: t.Integer(),
  log_retention_days: t.Integer(),
  audit_retention_days: t.Integer(),
  delivery_timeout_seconds: t.Integer(),
  max_deliveries_in_flight: t.Integer(),
  allow_private_targets: t.Boolean(),
  require_owner_two_factor: t.Boolean(),
}, { title: "Settings" });

export function settingsApi({ auth, settings }: { auth: BearerAuth; settings: Settings }) {
  return new Elysia({ name: "settings-api", prefix: "/settings", detail: { tags: ["Settings"] } })
    .use(auth)
    .onTransform(({ scope }) => scope.installation())
    .get("", () => settings.get(), { detail: { summary: "Installation settings", responses: documented({ 200: settingsJson }) } })
    .patch("", ({ body }) => settings.update(body), { body: settingsPatch, transform: refuseUnknownFields(settingsPatch), detail: { summary: "Change installation settings (unknown fields: 422)", responses: documented({ 200: settingsJson }) } });
}

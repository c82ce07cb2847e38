// HTTP routes for installation settings: /api/v1/settings.
import { Elysia, t } from "elysia";
import type { Settings } from "./service";

export const settingsPatch = t.Object({
  max_inbound_webhooks_per_bot: t.Optional(t.Integer({ minimum: 1, maximum: 100 })),
  log_retention_days: t.Optional(t.Integer({ minimum: 1, maximum: 3650 })),
});

export function settingsApi({ settings }: { settings: Settings }) {
  return new Elysia({ prefix: "/settings", detail: { tags: ["Settings"] } })
    .get("", () => settings.get(), { detail: { summary: "Installation settings" } })
    .patch("", ({ body }) => settings.update(body), { body: settingsPatch, detail: { summary: "Change installation settings" } });
}

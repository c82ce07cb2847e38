// What a webhook would read from an example and store: identification and mappings run by the
// receiver's own code (identifyContact, writeField) on a run that is never stored, so the
// preview and a real request always agree (unknown fields, a phone another contact has).
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { readAt } from "../../lib/json-path";
import { renderTemplate } from "../../lib/template";
import { evaluateConditions, evaluateRule, explainFailure, newBudget, type RuleResult } from "../../lib/conditions";
import type { Contacts } from "../contacts/service";
import type { Fields } from "../fields/service";
import { SYSTEM_FIELDS } from "../fields/service";
import { newRun, writeField, type ActionDeps } from "./actions";
import { identifyContact } from "./identify";
import type { Webhook, Webhooks } from "./service";

export type IdentifyPreview = { path: string; value: unknown; found: boolean; normalised?: unknown; error?: string };
export type MappingPreview = { path: string; field: string; found: boolean; value: unknown; stored?: unknown; error?: string };

export function createPreview({ webhooks, fields, contacts }: { webhooks: Webhooks; fields: Fields; contacts: Contacts }) {
  // writeField only looks contacts up; nothing here sends or queues.
  const dryRunDeps = { contacts } as ActionDeps;

  /** What each identification path and mapping would read and store from an example. */
  function preview(webhook: Webhook, example: unknown): { identify: Record<string, IdentifyPreview>; mappings: MappingPreview[] } {
    const bot = webhooks.botOf(webhook);
    const identify = Object.fromEntries(
      (["user_ns", "phone", "email"] as const)
        .filter((key) => webhook.identify[key])
        .map((key) => {
          const path = webhook.identify[key]!;
          const value = readAt(example, path);
          const normalised = value === undefined ? null : key === "phone" ? normalisePhone(value, bot.default_country) : key === "email" ? normaliseEmail(value) : { ok: true as const, value };
          return [key, { path, value: value ?? null, found: value !== undefined, ...(normalised ? (normalised.ok ? { normalised: normalised.value } : { error: normalised.reason }) : {}) }];
        }),
    );
    // The contact the request would be about (a draft when none would be found or made).
    const identified = identifyContact(bot, webhook.identify, example, contacts);
    const contact = identified.ok ? identified.contact : contacts.draft(bot, { phone: null, email: null });
    const run = newRun(bot, contact, identified.ok && !identified.created, fields.byName(bot.id), example);
    const mappings = webhook.mappings.map(({ path, field }): MappingPreview => {
      const value = readAt(example, path);
      if (value === undefined) return { path, field, found: false, value: null };
      const skipped = writeField(field, value, run, dryRunDeps);
      return skipped ? { path, field, found: true, value, error: skipped.replace(/^[^:]+: /, "") } : { path, field, found: true, value, stored: run.written[field] };
    });
    return { identify, mappings };
  }

  return {
    preview,
    /** Each rule of the webhook's conditions on its example, and whether the example would pass. */
    previewConditions(webhook: Webhook): { results: RuleResult[] | null; holds: boolean | null; explanation?: string } {
      const { conditions, example } = webhook;
      if (!conditions || example === null || example === undefined) return { results: null, holds: null };
      // Every rule is shown, including those a request would not need to evaluate.
      const budget = newBudget();
      const results = conditions.rules.map((rule) => evaluateRule(rule, example, budget));
      const decided = evaluateConditions(conditions, example);
      return { results, holds: decided.holds, explanation: decided.holds ? undefined : explainFailure(conditions, decided.results) };
    },
    /** A template as the example request would render it: the contact as the mappings would set it. */
    previewTemplate(webhook: Webhook, template: string): string {
      const { identify, mappings } = preview(webhook, webhook.example);
      const contact: Record<string, unknown> = { user_ns: "(the contact's user_ns)" };
      const values: Record<string, unknown> = {};
      for (const key of ["phone", "email"] as const) {
        const found = identify[key];
        if (found && "normalised" in found) contact[key] = found.normalised;
      }
      for (const mapping of mappings) {
        if (!("stored" in mapping)) continue;
        if (SYSTEM_FIELDS.includes(mapping.field as never)) contact[mapping.field] = mapping.stored;
        else values[mapping.field] = mapping.stored;
      }
      return renderTemplate(template, { contact, fields: values, payload: webhook.example });
    },
  };
}

export type Preview = ReturnType<typeof createPreview>;

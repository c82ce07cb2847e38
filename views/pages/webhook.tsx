/** @jsxImportSource @kitajs/html */
// The inbound webhook editor page.
import type { Bot } from "../../src/modules/bots/service";
import type { CustomField } from "../../src/modules/fields/service";
import type { WebhookLog } from "../../src/modules/inbound/logs";
import type { Webhook } from "../../src/modules/inbound/service";
import type { Contact } from "../../src/modules/contacts/service";
import { Crumbs, Layout, Live } from "../layout";
import { ActionsSection, ConditionsSection, ConfigSection, ExampleSection, HeadSection, LimitsSection, ReplySection, TestSection, type ConditionsPreview, type ConfigProps } from "../partials/webhook-editor";
import { LogsSection } from "../partials/webhook-logs";
import type { TestPayload } from "../../src/modules/inbound/test-payloads";
import type { ReplayJson } from "../../src/modules/inbound/replays";
import { BulkReplaySection } from "../partials/bulk-replay";

export interface WebhookPageProps {
  csrf: string;
  /** The nav links this user's role opens (all when absent). */
  nav?: readonly string[];
  bot: Bot;
  webhook: Webhook;
  url: string;
  listening: boolean;
  fields: CustomField[];
  preview: ConfigProps["preview"];
  conditionsPreview: ConditionsPreview;
  testPayloads: TestPayload[];
  replays: ReplayJson[];
  logs: WebhookLog[];
  contacts: Map<string, Contact>;
  nextCursor: string | null;
  /** The log outcomes to filter by. */
  outcomes: readonly string[];
  now: number;
}

export function WebhookPage(props: WebhookPageProps) {
  const { csrf, nav, bot, webhook, url, listening, fields, preview } = props;
  return (
    <Layout title={webhook.name} csrf={csrf} nav={nav} active="bots" live={[`logs-${webhook.id}`, `example-${webhook.id}`]}>
      <Crumbs steps={[{ label: "Bots", href: "/admin" }, { label: bot.name, href: `/admin/bots/${bot.flow_ns}` }, { label: "Inbound webhooks", href: `/admin/bots/${bot.flow_ns}#webhooks` }]} />
      <h1 safe>{webhook.name}</h1>
      <HeadSection webhook={webhook} url={url} />
      {/* Fetched again when a request is captured while listening (or listening ends). */}
      <Live topic={`example-${webhook.id}`} url={`/admin/webhooks/${webhook.id}/example`} target="wh-example">
        <ExampleSection webhook={webhook} listening={listening} now={props.now} />
      </Live>
      <ConditionsSection webhook={webhook} preview={props.conditionsPreview} />
      <ConfigSection webhook={webhook} fields={fields} preview={preview} />
      <ActionsSection webhook={webhook} fields={fields} />
      <ReplySection webhook={webhook} />
      <LimitsSection webhook={webhook} now={props.now} />
      <TestSection webhook={webhook} path={new URL(url).pathname} payloads={props.testPayloads} />
      <Live topic={`logs-${webhook.id}`} url={`/admin/webhooks/${webhook.id}/logs/rows`} target="wh-log-rows" include="#wh-logs select[name=outcome]">
        <LogsSection webhookId={webhook.id} logs={props.logs} contacts={props.contacts} outcomes={props.outcomes} outcome="" nextCursor={props.nextCursor} />
      </Live>
      <BulkReplaySection webhook={webhook} outcomes={props.outcomes} jobs={props.replays} />
      <form class="gap" method="post" action={`/admin/webhooks/${webhook.id}/delete`} hx-post={`/admin/webhooks/${webhook.id}/delete`}
        hx-confirm="Delete this webhook and its logs? Its URL stops working at once.">
        <input type="hidden" name="_csrf" value={csrf} />
        <button type="submit" class="danger">Delete webhook</button>
      </form>
    </Layout>
  );
}

// Every statement the modules run, as written in their repo.ts, and the dynamic ones in each
// shape the code builds: planned on SQLite (test/unit/query-plans.test.ts) and prepared on
// PostgreSQL (test/store/postgres.test.ts).
import { SQL as admin } from "../../src/modules/admin/repo";
import { SQL as audit } from "../../src/modules/audit/repo";
import { SQL as bots } from "../../src/modules/bots/repo";
import { contactsPage, SQL as contacts, updateColumnsSql } from "../../src/modules/contacts/repo";
import { deliveriesPage, failedMatching, SQL as deliveries } from "../../src/modules/deliveries/repo";
import { SQL as fields } from "../../src/modules/fields/repo";
import { SQL as inbound } from "../../src/modules/inbound/repo";
import { SQL as livechat } from "../../src/modules/livechat/repo";
import { SQL as messages } from "../../src/modules/messages/repo";
import { SQL as settings } from "../../src/modules/settings/repo";
import { SQL as system } from "../../src/modules/system/repo";
import { SQL as tokens } from "../../src/modules/tokens/repo";

export const statements: [string, string][] = Object.entries({ admin, audit, bots, contacts, deliveries, fields, inbound, livechat, messages, settings, system, tokens })
  .flatMap(([module, sql]) => Object.entries(sql).map(([name, text]) => [`${module}.${name}`, text] as [string, string]));

// The dynamic ones, in each shape the code builds.
const page = (filter: Parameters<typeof contactsPage>[0], offset?: number) => contactsPage(filter, 51, offset);
export const built: [string, string][] = [
  ["contacts page", page({ bot: 1 }).rows],
  ["contacts page after a cursor", page({ bot: 1, before: 100 }).rows],
  ["contacts page by number, and its count", page({ bot: 1 }, 50).rows],
  ["contacts count", page({ bot: 1 }).count],
  ["contacts by phone", page({ bot: 1, phone: "+1" }).rows],
  ["contacts by email", page({ bot: 1, email: "a@b.c" }).rows],
  ["contacts search, few matches by id", page({ bot: 1, ids: [1, 2, 3] }).rows],
  ["contacts search, many prefix matches", page({ bot: 1, prefix: { like: "ada%", phoneLike: "+1%", localPhoneLike: "+1%" } }).rows],
  ["contacts search, many matches anywhere", page({ bot: 1, contains: "%ada%" }).rows],
  ["contacts with a tag", page({ bot: 1, tag: "vip" }).rows],
  ["contacts with a field value", page({ bot: 1, field: { id: 1, value: '"gold"' } }).rows],
  ["contact columns written", updateColumnsSql(["first_name", "tags"])],
  ["deliveries page", deliveriesPage({}, 51).sql],
  ["deliveries page by state", deliveriesPage({ state: "failed", before: 100 }, 51).sql],
  ["deliveries page by kind and target", deliveriesPage({ kind: "relay", target: "crm" }, 51).sql],
  ["failed deliveries to retry", failedMatching({}).ids],
  ["failed deliveries to retry, counted by kind, bot and time", failedMatching({ kind: "relay", botId: 1, from: 0, to: 1 }).count],
  ["failed deliveries to retry by target", failedMatching({ target: "crm" }).ids],
];


// Sub-flows: named, saved action lists a platform can run for a contact (send-sub-flow).
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { publicId } from "../../lib/ids";
import { errors } from "../../http/errors";
import type { Fields } from "../fields/service";
import { validateActions, type Action } from "../inbound/actions";
import { SQL } from "./repo";

export interface SubFlow {
  id: number;
  bot_id: number;
  sub_flow_ns: string;
  name: string;
  actions: Action[];
  created_at: number;
}


type Row = Omit<SubFlow, "actions"> & { actions: string };
const parse = (row: Row): SubFlow => ({ ...row, actions: JSON.parse(row.actions) });

export function createSubFlows({ db, clock, fields }: { db: Database; clock: Clock; fields: Fields }) {
  const insert = db.query<Row, [number, string, string, string, number]>(SQL.INSERT);
  const selectByNs = db.query<Row, [string]>(SQL.SELECT_BY_NS);
  const selectById = db.query<Row, [number]>(SQL.SELECT_BY_ID);
  const selectByBot = db.query<Row, [number]>(SQL.SELECT_BY_BOT);
  const selectByName = db.query<{ id: number }, [number, string]>(SQL.SELECT_BY_NAME);

  return {
    create(botId: number, name: string, actions: unknown[]): SubFlow {
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 100) throw errors.validation("A sub-flow needs a name of 1 to 100 characters.");
      if (selectByName.get(botId, trimmed)) throw errors.subFlowExists(trimmed);
      const valid = validateActions(actions, fields.byName(botId));
      return parse(insert.get(botId, publicId("s", 12), trimmed, JSON.stringify(valid), clock.now())!);
    },
    get(subFlowNs: string): SubFlow {
      const row = selectByNs.get(subFlowNs);
      if (!row) throw errors.notFound("sub-flow", subFlowNs);
      return parse(row);
    },
    list: (botId: number): SubFlow[] => selectByBot.all(botId).map(parse),
    byId(id: number): SubFlow | null {
      const row = selectById.get(id);
      return row ? parse(row) : null;
    },
  };
}

export type SubFlows = ReturnType<typeof createSubFlows>;

export const subFlowToJson = (flow: SubFlow) => ({ sub_flow_ns: flow.sub_flow_ns, name: flow.name, actions: flow.actions, created_at: new Date(flow.created_at).toISOString() });

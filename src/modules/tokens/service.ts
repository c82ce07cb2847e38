// API tokens: shown once when created, stored only as a SHA-256 hash, revocable.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { newApiToken, sha256Hex } from "../../lib/ids";
import { errors } from "../../http/errors";
import { SQL } from "./repo";
import { isTokenRole, TOKEN_ROLES, type TokenRole } from "../admin/roles";

export interface ApiToken {
  id: number;
  name: string;
  token_hash: string;
  prefix: string;
  bot_id: number | null;
  agent_id: number | null;
  read_only: number;
  created_at: number;
  /** The admin user who made it, "command line", or null (made before this was kept). */
  created_by: string | null;
  /** What it reaches, as an admin user of this role would; null: everything (full access). */
  role: TokenRole | null;
  last_used_at: number | null;
  revoked_at: number | null;
}


// Recording every use would turn each API read into a write; a minute's precision is plenty.
const LAST_USED_PRECISION_MS = 60_000;

export function createTokens({ db, clock }: { db: Database; clock: Clock }) {
  const insert = db.query<ApiToken, [string, string, string, number | null, number | null, number, number, string | null, TokenRole | null]>(SQL.INSERT_TOKEN);
  const selectActive = db.query<ApiToken, [string]>(SQL.SELECT_ACTIVE_BY_HASH);
  const selectAll = db.query<ApiToken, []>(SQL.SELECT_TOKENS);
  const revoke = db.query(SQL.REVOKE_TOKEN);
  const touch = db.query(SQL.TOUCH_TOKEN);

  return {
    /** Returns the token itself: the only time it exists outside the caller's hands. */
    /** `botId` scopes the token to one bot; `agentId` is who its messages are sent as; `createdBy` who made it; `role` what it reaches (null: everything). */
    create(name: string, botId: number | null = null, agentId: number | null = null, readOnly = false, createdBy: string | null = null, role: TokenRole | null = null): { token: string; record: ApiToken } {
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 100) throw errors.validation("A token needs a name of 1 to 100 characters.");
      if (role !== null && !isTokenRole(role)) throw errors.validation(`A token's role is one of ${TOKEN_ROLES.join(", ")} (or none: full access).`);
      const token = newApiToken();
      const record = insert.get(trimmed, sha256Hex(token), token.slice(0, 7), botId, agentId, readOnly ? 1 : 0, clock.now(), createdBy, role)!;
      return { token, record };
    },
    /** The active token this secret belongs to. Looked up by hash, so no secret is compared. */
    verify(token: string): ApiToken | null {
      const record = selectActive.get(sha256Hex(token));
      if (!record) return null;
      const now = clock.now();
      if (record.last_used_at === null || now - record.last_used_at > LAST_USED_PRECISION_MS) touch.run(now, record.id);
      return record;
    },
    list: (): ApiToken[] => selectAll.all(),
    revoke(id: number): void {
      if (revoke.run(clock.now(), id).changes === 0) throw errors.notFound("active API token", String(id));
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;

// The PostgreSQL side of the synchronous bridge (see database.ts): a thread that owns one
// connection through Bun's SQL client, runs each statement the server thread sends, answers on
// the port and wakes the server thread, which waits on a shared flag. One connection, so a
// transaction begun by one message is the one the next messages run in.
import { SQL } from "bun";

declare const self: Worker;

export interface Request {
  sql: string;
  params: unknown[];
  mode: "rows" | "values" | "run";
}

export type Answer =
  | { ok: true; rows: unknown[]; changes: number }
  | { ok: false; message: string; code?: string; errno?: string };

/** bun:sqlite gives integers and truth values as numbers; so does this side (int8 arrives as BigInt). */
function asSqlite(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function convertRow(row: unknown): unknown {
  if (Array.isArray(row)) return row.map(asSqlite);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row as Record<string, unknown>)) out[key] = asSqlite(value);
  return out;
}

self.onmessage = (start: MessageEvent<{ url: string; port: MessagePort; flag: SharedArrayBuffer }>) => {
  const { url, port, flag } = start.data;
  const signal = new Int32Array(flag);
  const answer = (message: Answer | { ready: true }) => {
    port.postMessage(message);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  const sql = new SQL({ url, max: 1, bigint: true, idleTimeout: 0 });
  port.onmessage = async (event: MessageEvent<Request>) => {
    const { sql: text, params, mode } = event.data;
    try {
      const query = sql.unsafe(text, params);
      const result = mode === "values" ? await query.values() : await query;
      // A `run` keeps its RETURNING rows too: the id of a row inserted is its lastInsertRowid.
      answer({ ok: true, rows: Array.from(result as unknown[], convertRow), changes: Number((result as { count?: number }).count ?? 0) });
    } catch (error) {
      const e = error as { message?: string; code?: string; errno?: string };
      answer({ ok: false, message: String(e.message ?? error), code: e.code, errno: e.errno });
    }
  };
  // Connect before saying ready, so a wrong URL is the server's first error, not its first query's.
  sql.unsafe("SELECT 1").then(
    () => answer({ ready: true }),
    (error: Error) => answer({ ok: false, message: error.message, code: (error as { code?: string }).code }),
  );
};

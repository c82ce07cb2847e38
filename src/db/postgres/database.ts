// PostgreSQL behind the same synchronous interface the modules use with bun:sqlite (query, get,
// all, run, transaction). Bun's SQL client is asynchronous; the whole store was written for
// SQLite's synchronous calls, whose outcome is decided inside one event-loop turn (group commit,
// the worker's claims). So a thread of its own holds the connection (bridge-worker.ts) and each
// statement is a synchronous call to it: the server thread posts the statement and waits on a
// shared flag until the answer is on its port. A statement then blocks the event loop for its
// round trip to the database (tens of microseconds on a local socket): the price of keeping one
// store code for both engines.
//
// One difference stays: after a failed statement PostgreSQL refuses the rest of its transaction
// until a rollback, where SQLite goes on. The code never carries on past a failed statement
// inside a transaction: an error rolls back to the savepoint of its request (group commit) or of
// its nested transaction(), which PostgreSQL accepts, and `make test-postgres` runs every path.
import { MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { toPostgres, type PostgresStatement } from "./dialect";
import type { Answer, Request } from "./bridge-worker";

// The compiled binary holds the thread as an entry point of its own (see the Makefile).
const WORKER_URL = import.meta.url.startsWith("file:///$bunfs/") ? "./db/postgres/bridge-worker.ts" : new URL("./bridge-worker.ts", import.meta.url).href;
const SPIN_MS = 1;
// A statement that takes longer than this is given up (the connection is then unusable).
const STATEMENT_TIMEOUT_MS = 60_000;

/** An error of PostgreSQL under the SQLite code the modules already handle (app.ts). */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly postgresCode: string | undefined,
  ) {
    super(message);
  }
}

// SQLSTATE classes and codes → the SQLite codes the rest of the code reacts to.
function sqliteCodeOf(answer: Extract<Answer, { ok: false }>): string {
  const state = answer.errno ?? "";
  if (state === "23505") return "SQLITE_CONSTRAINT_UNIQUE";
  if (state === "23503") return "SQLITE_CONSTRAINT_FOREIGNKEY";
  if (state === "23502") return "SQLITE_CONSTRAINT_NOTNULL";
  if (state === "23514") return "SQLITE_CONSTRAINT_CHECK";
  if (state === "53100") return "SQLITE_FULL";
  if (state === "25006") return "SQLITE_READONLY";
  if (state.startsWith("08") || state.startsWith("57") || /CONNECTION|TIMEOUT/.test(answer.code ?? "")) return "SQLITE_IOERR";
  return "SQLITE_ERROR";
}

type Params = unknown[];

/** Parameters as bun:sqlite takes them (positional, or one object of named values) in `$1…` order. */
function bind(statement: PostgresStatement, params: Params): unknown[] {
  // bun:sqlite also takes the positional values as one array.
  if (params.length === 1 && Array.isArray(params[0])) params = params[0];
  const values =
    statement.names && params.length === 1 && params[0] !== null && typeof params[0] === "object" && !Array.isArray(params[0]) && !(params[0] instanceof Uint8Array)
      ? statement.names.map((name) => (params[0] as Record<string, unknown>)[name])
      : params;
  return values.map(toParameter);
}

/** A value as PostgreSQL takes it; its text cannot hold NUL, which becomes U+FFFD (the README says so). */
function toParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && value.includes("\u0000")) return value.replaceAll("\u0000", "\uFFFD");
  return value;
}

export class PostgresStatementHandle<Row = unknown> {
  private translated: PostgresStatement | null = null;
  constructor(
    private readonly db: PostgresDatabase,
    private readonly sql: string,
  ) {}
  private get statement(): PostgresStatement {
    return (this.translated ??= toPostgres(this.sql));
  }
  get(...params: Params): Row | null {
    return (this.db.call(this.statement, bind(this.statement, params), "rows").rows[0] as Row | undefined) ?? null;
  }
  all(...params: Params): Row[] {
    return this.db.call(this.statement, bind(this.statement, params), "rows").rows as Row[];
  }
  values(...params: Params): unknown[][] {
    return this.db.call(this.statement, bind(this.statement, params), "values").rows as unknown[][];
  }
  *iterate(...params: Params): IterableIterator<Row> {
    yield* this.all(...params);
  }
  run(...params: Params): { changes: number; lastInsertRowid: number } {
    const { rows, changes } = this.db.call(this.statement, bind(this.statement, params), "run");
    return { changes, lastInsertRowid: Number((rows[0] as { id?: number } | undefined)?.id ?? 0) };
  }
  finalize(): void {}
}

export class PostgresDatabase {
  readonly engine = "postgres" as const;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly statements = new Map<string, PostgresStatementHandle>();
  private depth = 0;
  private closed = false;
  inTransaction = false;

  constructor(readonly url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_URL);
    this.worker.postMessage({ url, port: port2, flag: this.signal.buffer }, [port2 as unknown as Transferable]);
    const ready = this.wait(STATEMENT_TIMEOUT_MS) as Answer | { ready: true };
    if (!("ready" in ready)) {
      this.worker.terminate();
      throw new PostgresError(`cannot connect to PostgreSQL: ${ready.ok ? "no answer" : ready.message}`, "SQLITE_CANTOPEN", ready.ok ? undefined : ready.errno);
    }
  }

  private wait(timeoutMs: number): unknown {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message) return message.message;
      if (Date.now() > deadline) throw new PostgresError("PostgreSQL did not answer in time", "SQLITE_IOERR", undefined);
      // Most answers come within a millisecond: watching the flag that long saves the wake-up of
      // a sleeping thread (tens of microseconds on a VM), a third of a statement's time here.
      const spinUntil = performance.now() + SPIN_MS;
      while (Atomics.load(this.signal, 0) === 0 && performance.now() < spinUntil);
      Atomics.wait(this.signal, 0, 0, 100);
      Atomics.store(this.signal, 0, 0);
    }
  }

  /** One statement, synchronously. */
  call(statement: PostgresStatement, params: unknown[], mode: Request["mode"]): { rows: unknown[]; changes: number } {
    if (this.closed) throw new PostgresError("the database is closed", "SQLITE_MISUSE", undefined);
    const request: Request = { sql: statement.text, params, mode };
    this.port.postMessage(request);
    const answer = this.wait(STATEMENT_TIMEOUT_MS) as Answer;
    if (!answer.ok) throw new PostgresError(answer.message, sqliteCodeOf(answer), answer.errno);
    this.track(statement.text);
    return answer;
  }

  /** Whether a transaction is open, followed from the statements that open and end one. */
  private track(text: string): void {
    if (/^\s*BEGIN\b/i.test(text)) this.inTransaction = true;
    else if (/^\s*(COMMIT|END)\b/i.test(text) || /^\s*ROLLBACK\s*$/i.test(text)) this.inTransaction = false;
  }

  query<Row = unknown, _Params = unknown>(sql: string): PostgresStatementHandle<Row> {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = new PostgresStatementHandle(this, sql)));
    return statement as PostgresStatementHandle<Row>;
  }

  prepare<Row = unknown, _Params = unknown>(sql: string): PostgresStatementHandle<Row> {
    return this.query<Row>(sql);
  }

  run(sql: string, ...params: Params): { changes: number; lastInsertRowid: number } {
    // Pragmas tune SQLite; PostgreSQL's settings are the server's (see the README).
    if (/^\s*PRAGMA\b/i.test(sql)) return { changes: 0, lastInsertRowid: 0 };
    return this.query(sql).run(...params);
  }

  /** SQL sent as written, several statements allowed, no parameters (the schema's migrations). */
  exec(sql: string): void {
    this.call({ text: sql, names: null }, [], "run");
  }

  /** As bun:sqlite's: a function running `fn` in a transaction, or in a savepoint inside one. */
  transaction<Args extends unknown[], T>(fn: (...args: Args) => T) {
    const run = (...args: Args): T => {
      const nested = this.depth > 0 || this.inTransaction;
      const name = `sb_tx_${this.depth}`;
      this.run(nested ? `SAVEPOINT ${name}` : "BEGIN");
      this.depth++;
      try {
        const value = fn(...args);
        this.depth--;
        this.run(nested ? `RELEASE ${name}` : "COMMIT");
        return value;
      } catch (error) {
        this.depth--;
        if (nested) {
          this.run(`ROLLBACK TO ${name}`);
          this.run(`RELEASE ${name}`);
        } else if (this.inTransaction) {
          this.run("ROLLBACK");
        }
        throw error;
      }
    };
    // SQLite's lock modes: a PostgreSQL transaction takes its row locks as it goes.
    return Object.assign(run, { immediate: run, deferred: run, exclusive: run });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.terminate();
    this.port.close();
  }
}

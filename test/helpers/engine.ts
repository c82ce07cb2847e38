// What tests do to the store behind the server's back (refuse writes, refuse a row), in the
// words of each engine: the server tests run on SQLite and again on PostgreSQL.
import type { Database } from "bun:sqlite";
import { isPostgres } from "../../src/db/index";

/** The server's own connection refuses every write from now on (as a full or read-only disk would). */
export function refuseWrites(db: Database): void {
  db.run(isPostgres(db) ? "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY" : "PRAGMA query_only = ON");
}

export function allowWrites(db: Database): void {
  db.run(isPostgres(db) ? "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE" : "PRAGMA query_only = OFF");
}

/** A log row whose body contains `text` cannot be written: the request's transaction fails. */
export function refuseLogRowsContaining(db: Database, text: string): void {
  const pattern = `%${text.replace(/[^a-z]/g, "")}%`;
  if (!isPostgres(db)) {
    db.run(`CREATE TRIGGER refuse_log_rows BEFORE INSERT ON webhook_logs WHEN NEW.body LIKE '${pattern}' BEGIN SELECT RAISE(ABORT, 'the log row is refused'); END`);
    return;
  }
  db.run(`CREATE FUNCTION refuse_log_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF NEW.body LIKE '${pattern}' THEN RAISE EXCEPTION 'the log row is refused'; END IF; RETURN NEW; END $$`);
  db.run("CREATE TRIGGER refuse_log_rows BEFORE INSERT ON webhook_logs FOR EACH ROW EXECUTE FUNCTION refuse_log_rows()");
}

/** An audit row's outcome cannot be written (as if the server stopped after the change); returns the undo. */
export function refuseAuditOutcomes(db: Database): () => void {
  if (!isPostgres(db)) {
    db.run("CREATE TRIGGER refuse_audit_outcomes BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the outcome is refused'); END");
    return () => db.run("DROP TRIGGER refuse_audit_outcomes");
  }
  db.run("CREATE FUNCTION refuse_audit_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the outcome is refused'; END $$");
  db.run("CREATE TRIGGER refuse_audit_outcomes BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit_outcomes()");
  return () => {
    db.run("DROP TRIGGER refuse_audit_outcomes ON audit_log");
    db.run("DROP FUNCTION refuse_audit_outcomes()");
  };
}

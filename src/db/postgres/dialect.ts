// The SQL the modules write is SQLite's. On PostgreSQL each statement is rewritten once, when it
// is first prepared: placeholders (`?`, `$name`) become `$1…`, `INSERT OR IGNORE` becomes
// `ON CONFLICT DO NOTHING`, LIKE keeps SQLite's ASCII case-insensitivity (ILIKE), and json_each
// reads a JSON array through the schema's sb_json_each. A statement whose PostgreSQL form differs
// beyond that is written in both forms beside each other in its repo (`sqlFor`).

import { TABLES_WITH_ID } from "./schema";

const postgresForms = new Map<string, string>();

/** Both forms of a statement, kept side by side in a repo; the code runs the SQLite text and the PostgreSQL engine finds its form by it. */
export function sqlFor(forms: { sqlite: string; postgres: string }): string {
  postgresForms.set(forms.sqlite, forms.postgres);
  return forms.sqlite;
}

export interface PostgresStatement {
  text: string;
  /** Named parameters in `$1…` order (null: positional `?` only). */
  names: string[] | null;
}

/** Placeholders to `$1…`, outside string literals and quoted names. */
function numberPlaceholders(sql: string): PostgresStatement {
  let out = "";
  let positional = 0;
  const named = new Map<string, number>();
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += `$${++positional}`;
    } else if ((c === "$" || c === ":" || c === "@") && /[A-Za-z_]/.test(sql[i + 1] ?? "") && !(c === ":" && sql[i - 1] === ":")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      if (!named.has(name)) named.set(name, named.size + 1);
      out += `$${named.get(name)}`;
      i += name.length;
    } else {
      out += c;
    }
  }
  if (positional && named.size) throw new Error(`a statement mixes ? and named parameters: ${sql}`);
  return { text: out, names: named.size ? [...named.keys()] : null };
}

// Ids compared with the elements of a JSON array: the elements are text, the ids bigint.
const ID_IN_JSON = /\b((?:\w+\.)?(?:id|\w+_id)) IN \(SELECT value FROM json_each\(/g;

export function toPostgres(sqlite: string): PostgresStatement {
  let sql = postgresForms.get(sqlite) ?? sqlite;
  sql = sql.replace(/^\s*BEGIN IMMEDIATE\b/i, "BEGIN");
  sql = sql.replace(ID_IN_JSON, "$1 IN (SELECT value::bigint FROM json_each(");
  sql = sql.replace(/\bjson_each\(/g, "sb_json_each(");
  sql = sql.replace(/\bNOT LIKE\b/g, "NOT ILIKE").replace(/(?<!NOT )\bLIKE\b/g, "ILIKE");
  if (/\bINSERT OR IGNORE INTO\b/i.test(sql)) {
    sql = sql.replace(/\bINSERT OR IGNORE INTO\b/i, "INSERT INTO");
    const returning = sql.search(/\sRETURNING\s/i);
    sql = returning === -1 ? `${sql} ON CONFLICT DO NOTHING` : `${sql.slice(0, returning)} ON CONFLICT DO NOTHING${sql.slice(returning)}`;
  }
  // sum() of bigint is numeric, which arrives as text: as a float8 it is a number, as in SQLite.
  sql = sql.replace(/\b(sum|avg)\(([^()]*)\)/gi, "($1($2))::float8");
  const insertInto = /^\s*INSERT INTO (\w+)/i.exec(sql)?.[1];
  if (insertInto && TABLES_WITH_ID.has(insertInto) && !/\sRETURNING\s/i.test(sql)) sql += " RETURNING id";
  return numberPlaceholders(sql);
}

// Contacts from a CSV file: upload (kept in the data directory), a column → field mapping, a
// dry run that says what would be created, updated, skipped and refused (line by line), then the
// import. Parsing is csv-parse's, streamed, so a large file is read a batch at a time; a line it
// cannot read is reported and skipped. An import with refused lines writes nothing unless it was
// asked to skip them. Rows are written in batches, each one transaction with the progress that
// counts it, and the event loop is given back between batches, so live traffic keeps flowing
// and a restart resumes where the last batch ended.
import { isPostgres } from "../../db/index";
import type { Database } from "bun:sqlite";
import { createReadStream, mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../lib/clock";
import { coerceFieldValue } from "../../lib/coerce";
import { normaliseEmail, normalisePhone } from "../../lib/contact-identity";
import { AppError, errors } from "../../http/errors";
import type { Bot, Bots } from "../bots/service";
import type { CustomField, Fields } from "../fields/service";
import type { Contact, Contacts } from "./service";
import { SQL } from "./repo";

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
const BATCH = 500;
const MAX_PROBLEMS = 100;
const TICK_MS = 50;

/** Where a column's values go: a contact column, a custom field by name, or nowhere (null). */
export const CONTACT_TARGETS = ["user_ns", "phone", "email", "first_name", "last_name", "gender", "tags"] as const;
export const MATCH_BY = ["auto", "user_ns", "phone", "email"] as const;
export const EXISTING = ["update", "skip"] as const;
export type ImportState = "uploaded" | "checking" | "checked" | "importing" | "done" | "refused" | "failed";

export interface ImportReport {
  dry_run: boolean;
  /** validating (a run that may refuse) or writing. */
  phase: "validating" | "writing" | "finished";
  created: number;
  updated: number;
  skipped: number;
  refused: number;
  /** The first problems, by line of the file (the header is line 1). */
  problems: { line: number; reason: string }[];
}

interface ImportRow {
  id: number;
  bot_id: number;
  file_name: string;
  columns: string;
  sample: string;
  rows: number;
  mapping: string;
  match_by: (typeof MATCH_BY)[number];
  existing: (typeof EXISTING)[number];
  state: ImportState;
  dry_run: number;
  skip_invalid: number;
  processed: number;
  report: string | null;
  created_at: number;
  updated_at: number;
}

// The CSV parser is loaded when a file is first read, not at every start.
const csvParse = () => import("csv-parse");

const emptyReport = (dryRun: boolean, phase: ImportReport["phase"]): ImportReport => ({ dry_run: dryRun, phase, created: 0, updated: 0, skipped: 0, refused: 0, problems: [] });

export function importJson(row: ImportRow, bot: Bot) {
  return {
    id: row.id,
    flow_ns: bot.flow_ns,
    file_name: row.file_name,
    state: row.state,
    columns: JSON.parse(row.columns) as string[],
    sample: JSON.parse(row.sample) as string[][],
    rows: row.rows,
    mapping: JSON.parse(row.mapping) as Record<string, string | null>,
    match_by: row.match_by,
    existing: row.existing,
    progress: { processed: row.processed, total: row.rows },
    report: row.report === null ? null : (JSON.parse(row.report) as ImportReport),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
export type ImportJson = ReturnType<typeof importJson>;

/** The field a header names, when it is one (an export's own headers map back to themselves). */
function suggest(header: string, fieldNames: Set<string>): string | null {
  const key = header.trim().toLowerCase().replace(/[\s-]+/g, "_");
  const aliases: Record<string, string> = { mobile: "phone", phone_number: "phone", cell: "phone", e_mail: "email", email_address: "email", name: "first_name", first: "first_name", firstname: "first_name", given_name: "first_name", last: "last_name", lastname: "last_name", surname: "last_name", family_name: "last_name" };
  const target = aliases[key] ?? key;
  if ((CONTACT_TARGETS as readonly string[]).includes(target)) return target;
  return fieldNames.has(header.trim()) ? header.trim() : null;
}

/** A row as the import reads it, or why it is refused. */
type Evaluated =
  | { ok: false; reason: string }
  | {
      ok: true;
      userNs: string | null;
      phone: string | null;
      email: string | null;
      names: { first_name?: string; last_name?: string; gender?: "male" | "female" };
      tags: string[];
      fields: Record<string, unknown>;
    };

export function createCsvImports({ db, clock, dir, bots, fields, contacts }: { db: Database; clock: Clock; dir: string | null; bots: Bots; fields: Fields; contacts: Contacts }) {
  // Set by startRunner: where a failing import is told (its row says it failed, too).
  let onError: (error: unknown) => void = () => {};
  const insert = db.query<ImportRow, [number, string, string, string, number, string, number, number]>(SQL.INSERT_IMPORT);
  const selectOne = db.query<ImportRow, [number]>(SQL.SELECT_IMPORT);
  const selectForBot = db.query<ImportRow, [number]>(SQL.SELECT_IMPORTS);
  const selectActive = db.query<ImportRow, []>(SQL.SELECT_ACTIVE_IMPORT);
  const configure = db.query(SQL.CONFIGURE_IMPORT);
  const setState = db.query(SQL.SET_IMPORT_STATE);
  const setProgress = db.query(SQL.SET_IMPORT_PROGRESS);
  const remove = db.query(SQL.DELETE_IMPORT);

  const fileOf = (id: number) => join(dir!, `${id}.csv`);
  const row = (id: number): ImportRow => {
    const found = selectOne.get(id);
    if (!found) throw errors.notFound("contact import", String(id));
    return found;
  };

  /** Each record of the file with its line (header skipped), from `skip` records on; unreadable lines go to `onBadLine`. */
  async function* records(id: number, skip: number, onBadLine: (line: number, reason: string) => void): AsyncGenerator<{ values: string[]; line: number }> {
    const { parse } = await csvParse();
    let index = 0;
    // Lines before `skip` were reported by the run that read them (before a restart).
    const report = (line: number, reason: string) => index >= skip && onBadLine(line, reason);
    const parser = createReadStream(fileOf(id)).pipe(
      parse({
        bom: true,
        from_line: 2,
        info: true,
        skip_empty_lines: true,
        max_record_size: 64 * 1024,
        skip_records_with_error: true,
        on_skip: (error) => {
          report((error as { lines?: number } | undefined)?.lines ?? 0, `the line cannot be read as CSV (${(error as Error | undefined)?.message ?? "bad record"})`);
          return undefined;
        },
      }),
    );
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (index++ < skip) continue;
      yield { values: record, line: info.lines };
    }
  }

  function evaluate(bot: Bot, job: ImportRow, byName: Map<string, CustomField>, values: string[], columns: string[]): Evaluated {
    const mapping = JSON.parse(job.mapping) as Record<string, string | null>;
    if (values.length !== columns.length) return { ok: false, reason: `it has ${values.length} values, the header has ${columns.length}` };
    const out: Extract<Evaluated, { ok: true }> = { ok: true, userNs: null, phone: null, email: null, names: {}, tags: [], fields: {} };
    for (let i = 0; i < columns.length; i++) {
      const target = mapping[columns[i]!];
      const raw = values[i]!.trim();
      if (!target || raw === "") continue; // an empty cell changes nothing
      switch (target) {
        case "user_ns":
          out.userNs = raw;
          break;
        case "phone": {
          const phone = normalisePhone(raw, bot.default_country);
          if (!phone.ok) return { ok: false, reason: `phone '${raw}': ${phone.reason}` };
          out.phone = phone.value;
          break;
        }
        case "email": {
          const email = normaliseEmail(raw);
          if (!email.ok) return { ok: false, reason: `email '${raw}': ${email.reason}` };
          out.email = email.value;
          break;
        }
        case "first_name":
        case "last_name":
          if (raw.length > 200) return { ok: false, reason: `${target} is longer than 200 characters` };
          out.names[target] = raw;
          break;
        case "gender":
          if (raw !== "male" && raw !== "female") return { ok: false, reason: `gender '${raw}': male or female` };
          out.names.gender = raw;
          break;
        case "tags":
          out.tags = raw.split(";").map((tag) => tag.trim()).filter(Boolean);
          if (out.tags.some((tag) => tag.length > 100)) return { ok: false, reason: "a tag is longer than 100 characters" };
          break;
        default: {
          const field = byName.get(target);
          if (!field) return { ok: false, reason: `the field '${target}' no longer exists` };
          const coerced = coerceFieldValue(field.type, raw);
          if (!coerced.ok) return { ok: false, reason: `${target} '${raw.slice(0, 50)}': ${coerced.reason}` };
          out.fields[target] = coerced.value;
        }
      }
    }
    return out;
  }

  /** The contact a row is about, by the import's match setting; why not, when it cannot be. */
  function match(bot: Bot, job: ImportRow, row: Extract<Evaluated, { ok: true }>): { contact: Contact | null } | { refused: string } {
    const by = job.match_by;
    if (by !== "auto" && row[by === "user_ns" ? "userNs" : by] === null) return { refused: `no ${by} to match by` };
    if ((by === "auto" || by === "user_ns") && row.userNs !== null) {
      const found = contacts.findByUserNs(bot.id, row.userNs);
      if (found) return { contact: found };
      if (by === "user_ns" || (row.phone === null && row.email === null)) return { refused: `no contact of this bot has user_ns '${row.userNs}'` };
    }
    if ((by === "auto" || by === "phone") && row.phone !== null) {
      const found = contacts.findByPhone(bot.id, row.phone);
      if (found || by === "phone") return { contact: found };
    }
    if ((by === "auto" || by === "email") && row.email !== null) return { contact: contacts.findByEmail(bot.id, row.email) };
    return { contact: null };
  }

  /** Writes one row: creates or updates its contact (in a savepoint: a refusal undoes only it). */
  function write(bot: Bot, contact: Contact | null, row: Extract<Evaluated, { ok: true }>): "created" | "updated" {
    db.transaction(() => {
      const target = contact ?? contacts.create(bot, { phone: row.phone ?? undefined, email: row.email ?? undefined });
      const tags = [...new Set([...(JSON.parse(target.tags) as string[]), ...row.tags])];
      contacts.update(target.user_ns, {
        ...(contact && row.phone !== null ? { phone: row.phone } : {}),
        ...(contact && row.email !== null ? { email: row.email } : {}),
        ...row.names,
        ...(row.tags.length ? { tags } : {}),
        ...(Object.keys(row.fields).length ? { fields: row.fields } : {}),
      });
    })();
    return contact ? "updated" : "created";
  }

  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  /** Works through the active import (dry run or run), batch by batch, until it ends. */
  async function work(job: ImportRow): Promise<void> {
    const bot = bots.getById(job.bot_id);
    if (!bot) return;
    const columns = JSON.parse(job.columns) as string[];
    const byName = fields.byName(bot.id);
    const dryRun = job.dry_run === 1;
    const stored = job.report ? (JSON.parse(job.report) as ImportReport) : null;
    // A run that may refuse validates the whole file first; a restart validates again.
    let phase: ImportReport["phase"] = dryRun || job.skip_invalid === 1 ? "writing" : stored?.phase === "writing" ? "writing" : "validating";
    let report = phase === "writing" && stored && !dryRun && job.processed > 0 ? stored : emptyReport(dryRun, phase);
    let skip = phase === "writing" && !dryRun ? job.processed : 0;
    for (;;) {
      const writing = phase === "writing" && !dryRun;
      // Within a dry run, a contact an earlier row would create is found by later rows.
      const seen = new Set<string>();
      const problem = (line: number, reason: string) => {
        report.refused++;
        if (report.problems.length >= MAX_PROBLEMS) return;
        report.problems.push({ line, reason });
        // A line the parser cannot read is told before the rows of its batch: keep file order.
        report.problems.sort((a, b) => a.line - b.line);
      };
      let batch: { values: string[]; line: number }[] = [];
      let processed = skip;
      const flush = () => {
        const apply = () => {
          for (const { values, line } of batch) {
            const evaluated = evaluate(bot, job, byName, values, columns);
            if (!evaluated.ok) {
              problem(line, evaluated.reason);
              continue;
            }
            const found = match(bot, job, evaluated);
            if ("refused" in found) {
              problem(line, found.refused);
              continue;
            }
            const keys = [evaluated.phone && `p:${evaluated.phone}`, evaluated.email && `e:${evaluated.email}`].filter((k): k is string => !!k);
            const exists = found.contact !== null || keys.some((key) => seen.has(key));
            if (exists && job.existing === "skip") {
              report.skipped++;
              continue;
            }
            if (!writing) {
              if (!exists && evaluated.phone === null && evaluated.email === null) {
                problem(line, "a new contact needs a phone or an email");
                continue;
              }
              for (const key of keys) seen.add(key);
              report[exists ? "updated" : "created"]++;
              continue;
            }
            try {
              report[write(bot, found.contact, evaluated)]++;
            } catch (error) {
              if (error instanceof AppError) problem(line, error.message.replace(/\.$/, ""));
              else throw error;
            }
          }
          processed += batch.length;
          batch = [];
          setProgress.run(processed, JSON.stringify({ ...report, phase }), clock.now(), job.id);
        };
        // The rows a batch writes and the progress that counts them commit together.
        if (writing) db.transaction(apply).immediate();
        else apply();
      };
      for await (const record of records(job.id, skip, problem)) {
        if (selectOne.get(job.id)?.state !== job.state) return; // deleted or cancelled meanwhile
        batch.push(record);
        if (batch.length >= BATCH) {
          flush();
          await Bun.sleep(0); // live requests go first
        }
      }
      flush();
      if (phase === "validating") {
        if (report.refused > 0) {
          setState.run("refused", JSON.stringify({ ...report, phase: "finished" }), clock.now(), job.id);
          return;
        }
        phase = "writing";
        report = emptyReport(false, phase);
        skip = 0;
        setProgress.run(0, JSON.stringify(report), clock.now(), job.id);
        continue;
      }
      setState.run(dryRun ? "checked" : "done", JSON.stringify({ ...report, phase: "finished" }), clock.now(), job.id);
      // Imported: the file is not needed again (an import runs once), and it holds personal data.
      if (!dryRun) rmSync(fileOf(job.id), { force: true });
      return;
    }
  }

  const shared = isPostgres(db);
  function tick(): Promise<void> {
    running ??= (async () => {
      const job = selectActive.get();
      // The uploaded file is in the data directory of the instance that took the upload (several
      // instances on PostgreSQL): that instance runs the import, the others leave it alone.
      if (!job || (shared && !existsSync(fileOf(job.id)))) return;
      try {
        await work(job);
      } catch (error) {
        setState.run("failed", JSON.stringify({ ...(job.report ? JSON.parse(job.report) : emptyReport(job.dry_run === 1, "finished")), problems: [{ line: 0, reason: `the import stopped: ${(error as Error).message}` }] }), clock.now(), job.id);
        throw error;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    /** Keeps the file and reads its header, first rows and row count; suggests a mapping. */
    async upload(bot: Bot, fileName: string, bytes: Uint8Array): Promise<ImportJson> {
      if (!dir) throw errors.validation("This server has no data directory to keep an upload in.");
      if (bytes.byteLength === 0) throw errors.validation("The file is empty.", "invalid_csv");
      const { parse } = await csvParse();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const staging = join(dir, `upload-${crypto.randomUUID()}.csv`);
      writeFileSync(staging, bytes, { mode: 0o600 });
      try {
        const header = await new Promise<string[]>((resolve, reject) => {
          const parser = createReadStream(staging).pipe(parse({ bom: true, to_line: 1, max_record_size: 64 * 1024 }));
          parser.once("data", (record: string[]) => resolve(record));
          parser.once("error", reject);
          parser.once("end", () => resolve([]));
        });
        const columns = header.map((name) => name.trim());
        if (columns.length === 0 || columns.every((c) => c === "")) throw errors.validation("The file has no header row naming its columns.", "invalid_csv");
        const duplicate = columns.find((c, i) => c !== "" && columns.indexOf(c) !== i);
        if (duplicate) throw errors.validation(`The header names the column '${duplicate}' twice.`, "invalid_csv");
        let rows = 0;
        const sample: string[][] = [];
        // The rows an import will read (a line that cannot be read is reported when it runs).
        const parser = createReadStream(staging).pipe(parse({ bom: true, from_line: 2, skip_empty_lines: true, max_record_size: 64 * 1024, skip_records_with_error: true }));
        for await (const record of parser as AsyncIterable<string[]>) {
          if (sample.length < 3) sample.push(record);
          rows++;
        }
        const fieldNames = new Set(fields.list(bot.id).map((f) => f.name));
        const mapping = Object.fromEntries(columns.map((column) => [column, suggest(column, fieldNames)]));
        const now = clock.now();
        const created = insert.get(bot.id, fileName.slice(0, 200) || "contacts.csv", JSON.stringify(columns), JSON.stringify(sample), rows, JSON.stringify(mapping), now, now)!;
        // Renamed once its row exists (the file is named by the import it belongs to); it keeps
        // its 0600 mode: it holds people's contact details.
        renameSync(staging, fileOf(created.id));
        return importJson(created, bot);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw errors.validation(`The file cannot be read as CSV: ${(error as Error).message}`, "invalid_csv");
      } finally {
        rmSync(staging, { force: true });
      }
    },
    get(id: number): { job: ImportJson; bot: Bot } {
      const job = row(id);
      const bot = bots.getById(job.bot_id)!;
      return { job: importJson(job, bot), bot };
    },
    list: (bot: Bot): ImportJson[] => selectForBot.all(bot.id).map((job) => importJson(job, bot)),
    /** The mapping (column → contact column, custom field or null), how rows match contacts, and what to do with those found. */
    configure(id: number, input: { mapping?: Record<string, string | null>; match_by?: string; existing?: string }): ImportJson {
      const job = row(id);
      if (job.state === "checking" || job.state === "importing") throw errors.importBusy();
      if (job.state === "done") throw errors.importFinished();
      const bot = bots.getById(job.bot_id)!;
      const columns = JSON.parse(job.columns) as string[];
      const fieldNames = new Set(fields.list(bot.id).map((f) => f.name));
      const mapping = { ...(JSON.parse(job.mapping) as Record<string, string | null>) };
      if (input.mapping !== undefined && (typeof input.mapping !== "object" || input.mapping === null || Array.isArray(input.mapping))) throw errors.validation("mapping: an object of column → target", "invalid_mapping");
      for (const [column, target] of Object.entries(input.mapping ?? {})) {
        if (!columns.includes(column)) throw errors.validation(`mapping: the file has no column '${column}'`, "invalid_mapping");
        if (target !== null && target !== "" && !(CONTACT_TARGETS as readonly string[]).includes(target) && !fieldNames.has(target)) {
          throw errors.validation(`mapping.${column}: '${target}' is not a contact column (${CONTACT_TARGETS.join(", ")}) or a custom field of this bot`, "invalid_mapping");
        }
        mapping[column] = target || null;
      }
      const targets = Object.values(mapping).filter((t): t is string => t !== null);
      const twice = targets.find((t, i) => targets.indexOf(t) !== i);
      if (twice) throw errors.validation(`mapping: two columns go to '${twice}'`, "invalid_mapping");
      const matchBy = input.match_by ?? job.match_by;
      const existing = input.existing ?? job.existing;
      if (!(MATCH_BY as readonly string[]).includes(matchBy)) throw errors.validation(`match_by: one of ${MATCH_BY.join(", ")}`, "invalid_mapping");
      if (!(EXISTING as readonly string[]).includes(existing)) throw errors.validation(`existing: one of ${EXISTING.join(", ")}`, "invalid_mapping");
      configure.run(JSON.stringify(mapping), matchBy, existing, clock.now(), id);
      return importJson(row(id), bot);
    },
    /** Starts a dry run, or the import (which refuses to write when lines would be refused, unless skipInvalid). */
    start(id: number, { dryRun, skipInvalid }: { dryRun: boolean; skipInvalid: boolean }): ImportJson {
      const job = row(id);
      if (job.state === "checking" || job.state === "importing") throw errors.importBusy();
      if (job.state === "done") throw errors.importFinished();
      const mapping = JSON.parse(job.mapping) as Record<string, string | null>;
      const targets = Object.values(mapping);
      if (!targets.some((t) => t === "phone" || t === "email" || t === "user_ns")) throw errors.validation("mapping: no column goes to user_ns, phone or email, so no row can name its contact", "invalid_mapping");
      db.query(SQL.START_IMPORT).run(dryRun ? "checking" : "importing", dryRun ? 1 : 0, skipInvalid ? 1 : 0, clock.now(), id);
      void tick().catch(onError);
      return importJson(row(id), bots.getById(job.bot_id)!);
    },
    remove(id: number): void {
      row(id);
      remove.run(id);
      rmSync(fileOf(id), { force: true });
    },
    tick,
    startRunner(report: (error: unknown) => void): void {
      onError = report;
      timer = setInterval(() => void tick().catch(onError), TICK_MS * 20);
      timer.unref?.();
    },
    async stopRunner(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}

export type CsvImports = ReturnType<typeof createCsvImports>;

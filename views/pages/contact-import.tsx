/** @jsxImportSource @kitajs/html */
// Importing contacts from a CSV file: upload, the column → field mapping (with the first rows
// beside each column), a dry run, its report by line, the import and its progress.
import type { Bot } from "../../src/modules/bots/service";
import type { CustomField } from "../../src/modules/fields/service";
import type { ImportJson } from "../../src/modules/contacts/csv-import";
import { Crumbs, ErrorText, Layout } from "../layout";

const CONTACT_TARGETS = ["user_ns", "phone", "email", "first_name", "last_name", "gender", "tags"];
const base = (job: ImportJson) => `/admin/imports/${job.id}`;

export function UploadSection({ bot, error }: { bot: Bot; error?: string }) {
  return (
    <section class="card" id="import-upload">
      <p class="muted small-text">
        A CSV file with a header row (at most 100 MiB). Next you choose which column goes to which field; a dry run then says what would be created, updated and
        refused, line by line, before anything is written.
      </p>
      <form hx-post={`/admin/bots/${bot.flow_ns}/import`} hx-encoding="multipart/form-data" hx-target="#import-upload" hx-swap="outerHTML" class="row">
        <label>
          CSV file
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">Upload</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

export function ImportStartPage({ csrf, nav, bot, imports, error }: { csrf: string; nav?: readonly string[]; bot: Bot; imports: ImportJson[]; error?: string }) {
  return (
    <Layout title={`Import contacts · ${bot.name}`} csrf={csrf} nav={nav} active="bots">
      <Crumbs steps={[{ label: "Bots", href: "/admin" }, { label: bot.name, href: `/admin/bots/${bot.flow_ns}` }]} />
      <h1>Import contacts</h1>
      <UploadSection bot={bot} error={error} />
      {imports.length ? (
        <section class="card">
          <h2>Earlier imports</h2>
          <ul>
            {imports.map((job) => (
              <li>
                <a href={base(job)} safe>{`${job.file_name} (${job.rows} rows)`}</a> <span class="muted" safe>{`${job.state}, ${job.created_at.replace("T", " ").slice(0, 16)} UTC`}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ""
      )}
    </Layout>
  );
}

function Report({ job }: { job: ImportJson }) {
  const report = job.report;
  if (!report) return "";
  const verb = report.dry_run ? "would be" : "were";
  return (
    <div id="import-report">
      <p safe>{`${report.created} ${verb} created, ${report.updated} updated, ${report.skipped} skipped (found, left alone), ${report.refused} refused.`}</p>
      {report.problems.length ? (
        <table id="import-problems">
          <thead>
            <tr>
              <th>Line</th>
              <th>Refused because</th>
            </tr>
          </thead>
          <tbody>
            {report.problems.map((problem) => (
              <tr>
                <td safe>{String(problem.line)}</td>
                <td safe>{problem.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ""
      )}
      {report.refused > report.problems.length ? <p class="muted small-text" safe>{`The first ${report.problems.length} are listed.`}</p> : ""}
    </div>
  );
}

export function ImportSection({ job, fields, error }: { job: ImportJson; fields: CustomField[]; error?: string }) {
  const running = job.state === "checking" || job.state === "importing";
  const editable = !running && job.state !== "done";
  const refused = job.report?.refused ?? 0;
  return (
    <section id="import" class="card" hx-get={running ? `${base(job)}/section` : undefined} hx-trigger={running ? "every 1s" : undefined} hx-swap="outerHTML">
      <p safe>{`${job.file_name}: ${job.rows} row${job.rows === 1 ? "" : "s"}.`}</p>
      {running || job.state === "done" ? (
        <p>
          <progress max={String(Math.max(1, job.progress.total))} value={String(job.progress.processed)} aria-label="Progress"></progress>{" "}
          <span id="import-state" safe>
            {job.state === "done"
              ? "Imported."
              : `${job.state === "checking" ? "Checking" : job.report?.phase === "validating" ? "Checking every line before writing" : "Importing"}: ${job.progress.processed} of ${job.progress.total} rows`}
          </span>
        </p>
      ) : (
        <p id="import-state" safe>
          {job.state === "uploaded"
            ? "Choose where each column goes, then check the file."
            : job.state === "checked"
              ? "Checked: nothing was written. Import when the report looks right."
              : job.state === "refused"
                ? "Nothing was imported: some lines were refused. Fix the file or import the rest."
                : "The import stopped."}
        </p>
      )}
      <Report job={job} />
      {editable ? (
        <form hx-post={`${base(job)}/check`} hx-target="#import" hx-swap="outerHTML">
          <table id="import-mapping">
            <thead>
              <tr>
                <th>Column</th>
                <th>First rows</th>
                <th>Goes to</th>
              </tr>
            </thead>
            <tbody>
              {job.columns.map((column, i) => (
                <tr>
                  <td>
                    <code safe>{column}</code>
                  </td>
                  <td class="muted" safe>
                    {job.sample.map((row) => row[i] ?? "").filter(Boolean).join(" · ") || "—"}
                  </td>
                  <td>
                    <select name={`map:${column}`} aria-label={`Where ${column} goes`}>
                      <option value="">— not imported —</option>
                      <optgroup label="Contact">
                        {CONTACT_TARGETS.map((target) => (
                          <option value={target} selected={job.mapping[column] === target}>
                            {target}
                          </option>
                        ))}
                      </optgroup>
                      <optgroup label="Custom fields">
                        {fields.map((field) => (
                          <option value={field.name} selected={job.mapping[column] === field.name} safe>
                            {`${field.name} (${field.type})`}
                          </option>
                        ))}
                      </optgroup>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="row">
            <label>
              Find each row's contact by
              <select name="match_by">
                {[["auto", "user_ns, then phone, then email"], ["phone", "phone"], ["email", "email"], ["user_ns", "user_ns"]].map(([value, label]) => (
                  <option value={value} selected={job.match_by === value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              When it exists
              <select name="existing">
                <option value="update" selected={job.existing === "update"}>
                  update it
                </option>
                <option value="skip" selected={job.existing === "skip"}>
                  leave it alone
                </option>
              </select>
            </label>
            <button type="submit" class="secondary" id="import-check">
              Check the file (dry run)
            </button>
          </div>
        </form>
      ) : (
        ""
      )}
      {job.state === "checked" || job.state === "refused" ? (
        <form hx-post={`${base(job)}/run`} hx-target="#import" hx-swap="outerHTML" class="row gap">
          {refused ? (
            <label class="inline">
              <input type="checkbox" name="skip_invalid" value="1" /> <span safe>{`Import the valid rows and skip the ${refused} refused`}</span>
            </label>
          ) : (
            ""
          )}
          <button type="submit" id="import-run">Import</button>
        </form>
      ) : (
        ""
      )}
      <ErrorText message={error} />
    </section>
  );
}

export function ImportPage({ csrf, nav, bot, job, fields }: { csrf: string; nav?: readonly string[]; bot: Bot; job: ImportJson; fields: CustomField[] }) {
  return (
    <Layout title={`Import ${job.file_name}`} csrf={csrf} nav={nav} active="bots">
      <Crumbs steps={[{ label: "Bots", href: "/admin" }, { label: bot.name, href: `/admin/bots/${bot.flow_ns}` }, { label: "Import contacts", href: `/admin/bots/${bot.flow_ns}/import` }]} />
      <h1 safe>{`Import ${job.file_name}`}</h1>
      <ImportSection job={job} fields={fields} />
    </Layout>
  );
}

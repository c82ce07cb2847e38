/** @jsxImportSource @kitajs/html */
// Admin routes for importing contacts from CSV: upload, mapping and dry run, import, progress.
import { Elysia } from "elysia";
import { AppError } from "../../http/errors";
import { readBodyCapped } from "../../http/body";
import type { Bots } from "../bots/service";
import type { Fields } from "../fields/service";
import { MAX_IMPORT_BYTES, type CsvImports } from "../contacts/csv-import";
import type { Accounts } from "./accounts";
import { formOf, html, redirect, section, sessionGuard } from "./http";
import { ImportPage, ImportSection, ImportStartPage, UploadSection } from "../../../views/pages/contact-import";

export function importPages({ accounts, publicUrl, bots, fields, csvImports }: { accounts: Accounts; publicUrl: () => string; bots: Bots; fields: Fields; csvImports: CsvImports }) {
  const importSection = (id: number, error?: string) => {
    const { job, bot } = csvImports.get(id);
    return ImportSection({ job, fields: fields.list(bot.id), error });
  };

  return new Elysia({ name: "admin-import-pages", prefix: "/admin" })
    .use(sessionGuard({ accounts, publicUrl }))
    .get("/bots/:flow_ns/import", ({ params, session }) => {
      const bot = bots.get(params.flow_ns);
      return html(ImportStartPage({ csrf: session!.csrf_token, nav: session!.nav, bot, imports: csvImports.list(bot) }));
    })
    // The file comes as multipart form data, read here within the import's cap (the global body
    // check stops at 1 MiB and takes no files).
    .post("/bots/:flow_ns/import", async ({ params, request, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const refuse = (message: string) => html(UploadSection({ bot, error: message }), 422);
      const read = await readBodyCapped(request, MAX_IMPORT_BYTES + 64 * 1024);
      if (!read.ok) return refuse(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
      let file: File | null = null;
      try {
        const form = await new Response(read.bytes as BodyInit, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
        const entry = form.get("file");
        file = typeof entry === "string" ? null : entry;
      } catch {
        return refuse("Choose a CSV file to upload.");
      }
      if (!file) return refuse("Choose a CSV file to upload.");
      try {
        const job = await csvImports.upload(bot, file.name, new Uint8Array(await file.arrayBuffer()));
        return redirect(`/admin/imports/${job.id}`, isHtmx);
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return refuse(error.message);
        throw error;
      }
    }, { parse: "none" })
    .get("/imports/:id", ({ params, session }) => {
      const { job, bot } = csvImports.get(Number(params.id));
      return html(ImportPage({ csrf: session!.csrf_token, nav: session!.nav, bot, job, fields: fields.list(bot.id) }));
    })
    .get("/imports/:id/section", ({ params }) => html(importSection(Number(params.id))))
    .post("/imports/:id/check", ({ params, body }) => {
      const id = Number(params.id);
      const form = formOf(body);
      const mapping = Object.fromEntries(Object.entries(form).filter(([name]) => name.startsWith("map:")).map(([name, target]) => [name.slice(4), target || null]));
      return section(() => {
        csvImports.configure(id, { mapping, match_by: form.match_by, existing: form.existing });
        csvImports.start(id, { dryRun: true, skipInvalid: false });
        return importSection(id);
      }, (error) => importSection(id, error));
    })
    .post("/imports/:id/run", ({ params, body }) => {
      const id = Number(params.id);
      return section(() => {
        csvImports.start(id, { dryRun: false, skipInvalid: formOf(body).skip_invalid === "1" });
        return importSection(id);
      }, (error) => importSection(id, error));
    });
}

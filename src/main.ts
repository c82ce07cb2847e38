#!/usr/bin/env bun
// CLI entry: `switchboard [serve]`, `token create`, `admin set-password`, `version`,
// `systemd-unit`, `--help`. Bad usage and unusable data dirs exit 2 with one line on stderr.
import { ConfigError, ENV_ONLY, SETTINGS, loadConfig, parseFlags } from "./config";
import { DataDirError, openStore } from "./db/index";
import { SchemaTooNewError } from "./db/migrate";
import { backup, restore } from "./db/backup";
import { migrateToPostgres } from "./db/migrate-to-postgres";
import { systemClock } from "./lib/clock";
import { createServices } from "./app";
import { startServer } from "./server";
import { systemdUnit } from "./systemd";
import { OWNER_USERNAME } from "./modules/admin/accounts";
import { isRole, isTokenRole, ROLES, TOKEN_ROLES } from "./modules/admin/roles";
import { auditedCommand } from "./modules/audit/command-line";
import { auditReaders } from "./modules/audit/readers";
import { VERSION } from "./version";

const HELP = `Switchboard ${VERSION}: self-hosted webhook hub for chat automation.

Usage:
  switchboard [serve] [flags]          start the server (the default)
  switchboard token create NAME        create an API token; prints it on the last line
         [--bot FLOW_NS] [--agent ID] [--read-only]  (one bot; sending as an agent; GET only)
         [--role ROLE]                (admin, operator, agent, viewer: what the token reaches;
                                       none: full access)
  switchboard admin reset-two-factor   turn off a user's two-factor sign-in (a lost phone)
         [--user NAME]                (default: admin)
  switchboard admin set-password       set a user's password, read from standard input
         [--user NAME] [--role ROLE]  (default: the owner account, admin; a new user gets
                                       the role given: owner, admin, operator, agent, viewer)
  switchboard backup FILE              copy the database consistently, also while the server runs
  switchboard restore FILE             put a backup in place (server stopped; the old file is kept)
  switchboard migrate-to-postgres --to URL   copy this installation (--data) into an empty PostgreSQL
                                       database and check every table's count (server stopped)
  switchboard systemd-unit             print a systemd unit file for this binary
  switchboard version                  print the version
  switchboard --help                   show this help

Flags (each also read from its environment variable):
${SETTINGS.map((s) => `  --${s.flag.padEnd(14)} ${s.env.padEnd(26)} ${s.help}${s.fallback ? ` (default: ${s.fallback})` : ""}`).join("\n")}

Environment only:
${ENV_ONLY.map((e) => `  ${e.env.padEnd(39)} ${e.help}`).join("\n")}
`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  return (await new Response(Bun.stdin.stream()).text()).replace(/\r?\n$/, "");
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { bot: { type: "string" }, agent: { type: "string" }, "read-only": { type: "boolean" }, to: { type: "string" }, user: { type: "string" }, role: { type: "string" } });
  if (values.help || positionals[0] === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const [command = "serve", ...rest] = positionals;
  switch (command) {
    case "version":
      console.log(VERSION);
      return 0;
    case "systemd-unit":
      process.stdout.write(systemdUnit(process.execPath));
      return 0;
    case "serve": {
      if (rest.length) throw new UsageError(`serve takes no arguments, got '${rest.join(" ")}'`);
      const config = loadConfig(values, process.env);
      const server = await startServer(config);
      await new Promise<void>((resolve) => {
        const shutdown = () => {
          process.off("SIGTERM", shutdown);
          process.off("SIGINT", shutdown);
          server.stop().then(resolve);
        };
        process.on("SIGTERM", shutdown);
        process.on("SIGINT", shutdown);
      });
      return 0;
    }
    case "token": {
      if (rest[0] !== "create" || rest.length !== 2) throw new UsageError("usage: switchboard token create NAME [--bot FLOW_NS] [--agent ID] [--read-only] [--role ROLE] [--data DIR]");
      const agent = typeof values.agent === "string" ? Number(values.agent) : null;
      if (agent !== null && (!Number.isInteger(agent) || agent < 1)) throw new UsageError("--agent must be a whole number from 1");
      const tokenRole = typeof values.role === "string" ? values.role : null;
      if (tokenRole !== null && !isTokenRole(tokenRole)) throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(", ")} (none: full access), got '${tokenRole}'`);
      const config = loadConfig(values, process.env);
      const db = openStore(config);
      try {
        const services = createServices({ db, clock: systemClock });
        const botId = typeof values.bot === "string" ? services.bots.get(values.bot).id : null;
        const { token, record } = await auditedCommand(
          { audit: services.audit, readers: auditReaders(services) },
          { command: "token create", entity: "api_token", action: "create", idAfter: (created) => String(created.record.id) },
          () => services.tokens.create(rest[1]!, botId, agent, values["read-only"] === true, "command line", tokenRole),
        );
        console.log(`Created API token '${record.name}'. It is shown only now; store it safely:`);
        console.log(token);
      } finally {
        db.close();
      }
      return 0;
    }
    case "admin": {
      if (rest[0] === "reset-two-factor" && rest.length === 1) {
        // The way back in for a user (the only owner too) who lost the phone and the recovery codes.
        const username = typeof values.user === "string" ? values.user.trim() : OWNER_USERNAME;
        const db = openStore(loadConfig(values, process.env));
        try {
          const services = createServices({ db, clock: systemClock });
          const user = services.accounts.users().find((u) => u.username === username);
          if (!user) throw new UsageError(`no user named '${username}'`);
          await auditedCommand(
            { audit: services.audit, readers: auditReaders(services) },
            { command: "admin reset-two-factor", entity: "user", action: "reset-two-factor", id: String(user.id) },
            () => services.twoFactor.reset(user.id),
          );
        } finally {
          db.close();
        }
        console.log(`Two-factor sign-in of ${username} is off; they sign in with the password alone until they turn it on again.`);
        return 0;
      }
      if (rest[0] !== "set-password" || rest.length !== 1) throw new UsageError("usage: switchboard admin set-password [--user NAME] [--role ROLE] [--data DIR] < password-file, or admin reset-two-factor [--user NAME] [--data DIR]");
      const username = typeof values.user === "string" ? values.user.trim() : OWNER_USERNAME;
      const role = typeof values.role === "string" ? values.role : username === OWNER_USERNAME ? "owner" : null;
      if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}${role === null ? " (a user other than admin needs one)" : `, got '${role}'`}`);
      const config = loadConfig(values, process.env);
      const password = await readStdin();
      const db = openStore(config);
      try {
        const services = createServices({ db, clock: systemClock });
        const idOf = () => services.accounts.users().find((u) => u.username === username)?.id.toString() ?? null;
        await auditedCommand(
          { audit: services.audit, readers: auditReaders(services) },
          { command: "admin set-password", entity: "user", action: "set-password", id: idOf(), idAfter: idOf },
          () => services.accounts.setPassword(password, { username, role }),
        );
      } finally {
        db.close();
      }
      console.log(`Password of ${username} (${role}) set; the user's sessions were signed out.`);
      return 0;
    }
    case "backup": {
      if (rest.length !== 1) throw new UsageError("usage: switchboard backup FILE [--data DIR]");
      const config = loadConfig(values, process.env);
      if (config.databaseUrl) throw new UsageError("backup copies the SQLite file; with PostgreSQL, back up the database with pg_dump or your host's backups");
      backup(config.dataDir, rest[0]!);
      console.log(`Backed up ${config.dataDir} to ${rest[0]}.`);
      return 0;
    }
    case "restore": {
      if (rest.length !== 1) throw new UsageError("usage: switchboard restore FILE [--data DIR] (with the server stopped)");
      const config = loadConfig(values, process.env);
      if (config.databaseUrl) throw new UsageError("restore puts back the SQLite file; with PostgreSQL, restore the database with pg_restore or your host's backups");
      const kept = restore(config.dataDir, rest[0]!);
      console.log(`Restored ${rest[0]} into ${config.dataDir}.${kept ? ` The previous file is kept as ${kept}.` : ""}`);
      return 0;
    }
    case "migrate-to-postgres": {
      const to = typeof values.to === "string" ? values.to.trim() : "";
      if (rest.length || !/^postgres(ql)?:\/\//.test(to)) throw new UsageError("usage: switchboard migrate-to-postgres --to postgres://… [--data DIR] (with the server stopped)");
      const config = loadConfig(values, process.env);
      const copied = migrateToPostgres(config.dataDir, to, (line) => console.log(line));
      const rows = copied.reduce((sum, table) => sum + table.postgres, 0);
      console.log(`Copied ${rows} rows in ${copied.length} tables from ${config.dataDir}; every count matches. The SQLite file is unchanged.`);
      console.log(`Start the server with --database (or SWITCHBOARD_DATABASE_URL) set to this URL.`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}' (see switchboard --help)`);
  }
}

try {
  process.exitCode = await run(Bun.argv.slice(2));
} catch (error) {
  const expected = error instanceof ConfigError || error instanceof UsageError || error instanceof DataDirError || error instanceof SchemaTooNewError;
  const message = error instanceof Error ? error.message : String(error);
  if (expected || ["validation_failed", "not_found"].includes((error as { code?: string })?.code ?? "")) {
    console.error(`switchboard: ${message}`);
    process.exitCode = 2;
  } else if ((error as { code?: string })?.code === "EADDRINUSE") {
    console.error(`switchboard: the port is already in use (${message})`);
    process.exitCode = 2;
  } else {
    console.error(`switchboard: ${(error as Error)?.stack ?? message}`);
    process.exitCode = 1;
  }
}

// Every setting of the server: default, flag, environment variable and validation. The only
// module that reads the environment; everything else is handed a Config.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { parseTrustedProxies } from "./http/client-address";

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL instead of the SQLite file (null: the file in dataDir). */
  databaseUrl: string | null;
  publicUrl: string;
  /** Reverse proxies whose X-Forwarded-For names the client (CIDR ranges). */
  trustedProxies: string;
  /** Sets the admin password at start instead of printing a setup link. */
  adminPassword: string | null;
  /** full: stored answers wait for fsync (survives power loss); normal: survives a process crash. */
  durability: Durability;
}

export const DURABILITIES = ["full", "normal"] as const;
export type Durability = (typeof DURABILITIES)[number];

export class ConfigError extends Error {}

export const SETTINGS = [
  { flag: "host", env: "SWITCHBOARD_HOST", fallback: "127.0.0.1", help: "address to listen on" },
  { flag: "port", env: "SWITCHBOARD_PORT", fallback: "8080", help: "TCP port to listen on (0 picks a free one)" },
  { flag: "data", env: "SWITCHBOARD_DATA", fallback: "./data", help: "directory holding switchboard.db" },
  { flag: "public-url", env: "SWITCHBOARD_PUBLIC_URL", fallback: "", help: "URL the outside world reaches this server at (default: http://HOST:PORT)" },
  { flag: "trusted-proxy", env: "SWITCHBOARD_TRUSTED_PROXY", fallback: "", help: "reverse proxies (CIDR, comma-separated) whose X-Forwarded-For names the client (default: none)" },
  { flag: "database", env: "SWITCHBOARD_DATABASE_URL", fallback: "", help: "postgres://… to keep everything in PostgreSQL (default: the SQLite file in the data directory)" },
  { flag: "durability", env: "SWITCHBOARD_DURABILITY", fallback: "full", help: "full: what is answered as stored is on disk (survives power loss); normal: survives a crash of the process only" },
] as const;

export const ENV_ONLY = [{ env: "SWITCHBOARD_ADMIN_PASSWORD", help: "set the admin password at start (instead of a setup link)" }];

export type Env = Record<string, string | undefined>;

/** Parses the flags of a command; unknown flags and missing values are ConfigErrors. */
export function parseFlags(args: string[], extra: Record<string, { type: "string" | "boolean" }> = {}): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: "string" as const }])),
        help: { type: "boolean", short: "h" },
        ...extra,
      },
    });
  } catch (error) {
    throw new ConfigError((error as Error).message.split("\n")[0]!);
  }
}

export function loadConfig(values: Record<string, string | boolean | undefined>, env: Env): Config {
  // Flags beat the environment, which beats the defaults: all three named once, in SETTINGS.
  const read = (flag: (typeof SETTINGS)[number]["flag"]) => {
    const setting = SETTINGS.find((s) => s.flag === flag)!;
    const fromFlag = values[flag];
    if (typeof fromFlag === "string") return fromFlag;
    return env[setting.env] ?? setting.fallback;
  };
  const host = read("host").trim();
  if (!host) throw new ConfigError("--host must not be empty");
  const portText = read("port").trim();
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`--port must be a number from 0 to 65535, got '${portText}'`);
  const dataDir = resolve(read("data"));
  const publicUrlText = read("public-url").trim();
  let publicUrl = "";
  if (publicUrlText) {
    let url: URL;
    try {
      url = new URL(publicUrlText);
    } catch {
      throw new ConfigError(`--public-url must be an absolute http(s) URL, got '${publicUrlText}'`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`--public-url must start with http:// or https://`);
    publicUrl = url.href.replace(/\/+$/, "");
  }
  const trustedProxies = read("trusted-proxy").trim();
  try {
    parseTrustedProxies(trustedProxies);
  } catch (error) {
    throw new ConfigError(`--trusted-proxy: ${(error as Error).message}`);
  }
  const durability = read("durability").trim();
  if (!(DURABILITIES as readonly string[]).includes(durability)) throw new ConfigError(`--durability must be one of ${DURABILITIES.join(", ")}, got '${durability}'`);
  const databaseUrl = read("database").trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError("--database must be a postgres:// URL (without it, the SQLite file in the data directory is used)");
  const adminPassword = env.SWITCHBOARD_ADMIN_PASSWORD || null;
  return { host, port, dataDir, databaseUrl, publicUrl, trustedProxies, adminPassword, durability: durability as Durability };
}

/** The URL to print and build links with, once the real port is known. */
export function publicUrlFor(config: Config, port: number): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

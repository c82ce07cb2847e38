// Configuration as the README's table says it: flags win over environment variables, which win
// over the defaults; each default is the one documented.
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { ConfigError, loadConfig, parseFlags } from "../../src/config";

const load = (args: string[], env: Record<string, string> = {}) => loadConfig(parseFlags(args).values, env);

describe("configuration", () => {
  test("nothing given: the documented defaults", () => {
    expect(load([])).toMatchObject({ host: "127.0.0.1", port: 8080, dataDir: resolve("./data"), publicUrl: "", trustedProxies: "", adminPassword: null, durability: "full" });
  });

  test("database: the SQLite file by default, a postgres:// URL from the environment or the flag, anything else refused", () => {
    expect(load([]).databaseUrl).toBeNull();
    expect(load([], { SWITCHBOARD_DATABASE_URL: "postgres://u@db/sb" }).databaseUrl).toBe("postgres://u@db/sb");
    expect(load(["--database", "postgresql://u@other/sb"], { SWITCHBOARD_DATABASE_URL: "postgres://u@db/sb" }).databaseUrl).toBe("postgresql://u@other/sb");
    expect(() => load(["--database", "mysql://u@db/sb"])).toThrow(/--database must be a postgres:\/\/ URL/);
  });

  test("durability: full by default, normal from the environment or the flag, anything else refused", () => {
    expect(load([], { SWITCHBOARD_DURABILITY: "normal" }).durability).toBe("normal");
    expect(load(["--durability", "full"], { SWITCHBOARD_DURABILITY: "normal" }).durability).toBe("full");
    expect(() => load(["--durability", "off"])).toThrow(/--durability must be one of full, normal/);
  });

  test("the environment beats the defaults", () => {
    const env = { SWITCHBOARD_HOST: "0.0.0.0", SWITCHBOARD_PORT: "9000", SWITCHBOARD_DATA: "/tmp/sb-env", SWITCHBOARD_PUBLIC_URL: "https://env.example.com/", SWITCHBOARD_TRUSTED_PROXY: "10.0.0.0/8", SWITCHBOARD_ADMIN_PASSWORD: "from the env" };
    expect(load([], env)).toMatchObject({ host: "0.0.0.0", port: 9000, dataDir: "/tmp/sb-env", publicUrl: "https://env.example.com", trustedProxies: "10.0.0.0/8", adminPassword: "from the env" });
  });

  test("flags beat the environment", () => {
    const env = { SWITCHBOARD_HOST: "0.0.0.0", SWITCHBOARD_PORT: "9000", SWITCHBOARD_DATA: "/tmp/sb-env", SWITCHBOARD_PUBLIC_URL: "https://env.example.com", SWITCHBOARD_TRUSTED_PROXY: "10.0.0.0/8" };
    const args = ["--host", "::1", "--port", "9100", "--data", "/tmp/sb-flag", "--public-url", "https://flag.example.com", "--trusted-proxy", "192.168.0.0/16"];
    expect(load(args, env)).toMatchObject({ host: "::1", port: 9100, dataDir: "/tmp/sb-flag", publicUrl: "https://flag.example.com", trustedProxies: "192.168.0.0/16" });
  });

  test("a bad value is a ConfigError naming the flag, whichever source gave it", () => {
    expect(() => load(["--port", "99999"])).toThrow(ConfigError);
    expect(() => load([], { SWITCHBOARD_PORT: "http" })).toThrow(/--port must be a number/);
    expect(() => load([], { SWITCHBOARD_PUBLIC_URL: "ftp://x" })).toThrow(/--public-url/);
    expect(() => load(["--trusted-proxy", "not a cidr"])).toThrow(/--trusted-proxy/);
    expect(() => parseFlags(["--colour", "blue"])).toThrow(ConfigError);
  });
});

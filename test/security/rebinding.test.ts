// DNS rebinding, for real: the server runs in a private network namespace whose DNS answers a
// harmless address first and the metadata address (169.254.169.254, where a fake metadata
// service listens) on every later lookup. Needs root for the namespace; CI runs as root.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/server";

let result: {
  port: number;
  tlsPort: number;
  receiverHits: { path: string; host: string | null }[];
  metadataHits: unknown[];
  tlsReceiverHits: { path: string; host: string | null }[];
  tlsMetadataHits: unknown[];
  aQueries: Record<string, number>;
  deliveries: { target_url: string; state: string; attempts: number; last_error: string | null; last_response: string | null }[];
};
const dir = tempDir("sb-netns-");

beforeAll(async () => {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const openssl = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=secure.test", "-addext", "subjectAltName=DNS:secure.test"]);
  if (openssl.exitCode !== 0) throw new Error(`openssl: ${openssl.stderr}`);
  writeFileSync(join(dir, "resolv.conf"), "nameserver 127.0.0.1\n");
  const script = join(import.meta.dir, "rebinding-in-netns.ts");
  const setup = `ip link set lo up && ip addr add 169.254.169.254/32 dev lo && mount --bind ${dir}/resolv.conf /etc/resolv.conf && exec "$0" "$@"`;
  const child = Bun.spawn(["unshare", "--map-root-user", "--mount", "--net", "sh", "-c", setup, process.execPath, script, cert, key], {
    // The server trusts the stand-in's certificate, which is valid for secure.test only.
    // The namespace has its own users: no PostgreSQL cluster can be made in it, and the store is
    // not what this test is about (make test-postgres runs it on SQLite too).
    env: { ...process.env, NODE_EXTRA_CA_CERTS: cert, SWITCHBOARD_TEST_ENGINE: "sqlite" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`the namespace run failed (${code}): ${stderr}`);
  result = JSON.parse(stdout.trim().split("\n").at(-1)!);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("DNS rebinding", () => {
  test("an http_request to a rebinding name reaches the address that was checked, with its Host, and never the metadata service", () => {
    expect(result.metadataHits).toEqual([]);
    expect(result.receiverHits).toContainEqual({ path: "/latest/meta-data/", host: `rebind.test:${result.port}` });
    expect(result.aQueries["rebind.test"]).toBe(1);
    const delivery = result.deliveries.find((d) => d.target_url.startsWith("http://rebind.test"))!;
    expect(delivery.state).toBe("succeeded");
    expect(delivery.last_response).toBe("ok");
  });

  test("https connects to the checked address and verifies the certificate against the name (SNI)", () => {
    expect(result.tlsMetadataHits).toEqual([]);
    expect(result.tlsReceiverHits).toEqual([{ path: "/latest/meta-data/", host: `secure.test:${result.tlsPort}` }]);
    expect(result.aQueries["secure.test"]).toBe(1);
    expect(result.deliveries.find((d) => d.target_url.startsWith("https://secure.test"))!.state).toBe("succeeded");
  });

  test("the integration's test event is resolved once too", () => {
    expect(result.receiverHits).toContainEqual({ path: "/relay", host: `integration.test:${result.port}` });
    expect(result.aQueries["integration.test"]).toBe(1);
  });

  test("a name answering a safe and a metadata address at once is refused, and so is one answering metadata first", () => {
    for (const name of ["both.test", "metadata-first.test"]) {
      const delivery = result.deliveries.find((d) => d.target_url.includes(name))!;
      expect(delivery.state).toBe("failed");
      expect(delivery.attempts).toBe(1);
      expect(delivery.last_error).toContain("169.254.169.254");
      expect(delivery.last_response).toBeNull();
    }
    expect(result.receiverHits.map((h) => h.path)).not.toContain("/both");
    expect(result.receiverHits.map((h) => h.path)).not.toContain("/first");
  });
});

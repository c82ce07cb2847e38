// The outbound address policy: which addresses a delivery may connect to, judged on every
// address a name resolves to, with IPv4 carried inside IPv6 judged as the IPv4 it reaches.
import { afterEach, describe, expect, test } from "bun:test";
import { checkAddress, resolveTarget } from "../../src/modules/deliveries/target-policy";
import { standIn, workerWorld } from "../helpers/worker";

const never = new AbortController().signal;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

describe("addresses", () => {
  const refusedAlways = [
    "169.254.169.254", "0.0.0.0", "100.100.100.200", "224.0.0.1", "255.255.255.255", "::", "fe80::1", "fd00:ec2::254", "ff02::1",
    // IPv4 inside IPv6: mapped, compatible, NAT64, IPv4-translated, 6to4, Teredo (server and inverted client)
    "::ffff:169.254.169.254", "::169.254.169.254", "64:ff9b::169.254.169.254", "64:ff9b::a9fe:a9fe", "::ffff:0:a9fe:a9fe",
    "2002:a9fe:a9fe::1", "2001:0:a9fe:a9fe::1", "2001:0:5ef5:79fb:0:0:5601:5601", "64:ff9b:1::1",
  ];
  for (const address of refusedAlways) {
    test(`${address} is refused even with private targets allowed`, () => {
      const check = checkAddress(address, true);
      expect(check.ok).toBe(false);
    });
  }

  const privateOnes = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "::1", "fd12::1", "::ffff:127.0.0.1", "64:ff9b::10.0.0.1", "2002:0a00:0001::1", "::10.0.0.1"];
  for (const address of privateOnes) {
    test(`${address} is allowed only while private targets are`, () => {
      expect(checkAddress(address, true)).toEqual({ ok: true });
      const refused = checkAddress(address, false);
      expect(refused.ok).toBe(false);
      expect(refused.ok ? "" : refused.reason).toContain("allow_private_targets");
    });
  }

  test("public addresses, also inside NAT64 and 6to4, are allowed", () => {
    for (const address of ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::5db8:d822", "2002:5db8:d822::1"]) expect(checkAddress(address, false)).toEqual({ ok: true });
  });
});

describe("names", () => {
  test("metadata names are refused with or without a trailing dot, and in any case", async () => {
    for (const url of ["http://metadata.google.internal./x", "http://METADATA.google.internal/x", "http://metadata.google.internal../x"]) {
      const resolved = await resolveTarget(url, true, async () => ["93.184.216.34"], never);
      expect(resolved.ok).toBe(false);
    }
  });

  test("every address of a name is judged, and the first is the one connected to, with the name as Host and SNI", async () => {
    const mixed = await resolveTarget("http://api.example/x", true, async () => ["93.184.216.34", "169.254.169.254"], never);
    expect(mixed.ok).toBe(false);
    const ok = await resolveTarget("https://api.example:8443/v1?q=1", true, async () => ["93.184.216.34", "2606:2800:220:1::1"], never);
    expect(ok).toEqual({ ok: true, connectUrl: "https://93.184.216.34:8443/v1?q=1", hostHeader: "api.example:8443", serverName: "api.example", address: "93.184.216.34" });
    const v6 = await resolveTarget("http://api.example/", true, async () => ["2606:2800:220:1::1"], never);
    expect(v6.ok && v6.connectUrl).toBe("http://[2606:2800:220:1::1]/");
  });

  test("a literal address is judged as written, with no lookup", async () => {
    let lookups = 0;
    const resolved = await resolveTarget("http://[::ffff:a9fe:a9fe]/latest", true, async () => (lookups++, []), never);
    expect(resolved.ok).toBe(false);
    expect(lookups).toBe(0);
  });
});

describe("the name lookup counts inside the delivery timeout", () => {
  test("a lookup that never answers ends the attempt at the timeout, to be retried", async () => {
    const target = standIn(() => new Response("ok"));
    cleanup.push(target.stop);
    const w = workerWorld({ lookup: () => new Promise<string[]>(() => {}) });
    cleanup.push(w.close);
    w.worker.start();
    w.settings.update({ delivery_timeout_seconds: 1 });
    const delivery = w.enqueue({ targetUrl: `http://hangs.example:${new URL(target.url).port}/` });
    await w.settle();
    const row = w.row(delivery.public_id);
    expect(row).toMatchObject({ state: "pending", attempts: 1, last_error: "no answer within 1 s" });
    expect(target.received).toHaveLength(0);
  });
});

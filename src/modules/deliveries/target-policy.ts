// Which addresses deliveries may go to. Link-local and cloud metadata addresses are always
// refused; private and loopback ones only while the setting allows them. Checked on the
// resolved addresses, so a name pointing at a forbidden address is refused too.
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, includes 169.254.169.254 metadata
ALWAYS_REFUSED.addSubnet("0.0.0.0", 8, "ipv4");
ALWAYS_REFUSED.addSubnet("100.100.100.200", 32, "ipv4"); // Alibaba Cloud metadata
ALWAYS_REFUSED.addSubnet("fe80::", 10, "ipv6");
ALWAYS_REFUSED.addSubnet("fd00:ec2::", 32, "ipv6"); // AWS metadata over IPv6
ALWAYS_REFUSED.addAddress("::", "ipv6");

const PRIVATE = new BlockList();
PRIVATE.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE.addSubnet("127.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("100.64.0.0", 10, "ipv4");
PRIVATE.addSubnet("fc00::", 7, "ipv6");
PRIVATE.addAddress("::1", "ipv6");

const METADATA_NAMES = new Set(["metadata.google.internal", "metadata", "instance-data"]);

export type Lookup = (hostname: string) => Promise<string[]>;
export const systemLookup: Lookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** `retryable`: the target may become reachable (DNS trouble); otherwise it is refused for good. */
export type TargetCheck = { ok: true } | { ok: false; reason: string; retryable?: boolean };

export function checkAddress(address: string, allowPrivate: boolean): TargetCheck {
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return checkAddress(mapped, allowPrivate);
  if (ALWAYS_REFUSED.check(address, family)) return { ok: false, reason: `${address} is a link-local or metadata address, which deliveries never go to` };
  if (!allowPrivate && PRIVATE.check(address, family)) return { ok: false, reason: `${address} is a private or loopback address and allow_private_targets is off` };
  return { ok: true };
}

export async function checkTarget(url: string, allowPrivate: boolean, lookup: Lookup = systemLookup): Promise<TargetCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `'${url}' is not a URL` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { ok: false, reason: `${parsed.protocol} URLs are not delivered` };
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (METADATA_NAMES.has(host.toLowerCase())) return { ok: false, reason: `${host} is a cloud metadata name, which deliveries never go to` };
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await lookup(host);
  } catch (error) {
    return { ok: false, reason: `cannot resolve ${host}: ${(error as Error).message}`, retryable: true };
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} resolves to no address` };
  for (const address of addresses) {
    const check = checkAddress(address, allowPrivate);
    if (!check.ok) return check;
  }
  return { ok: true };
}

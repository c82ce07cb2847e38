// Which addresses deliveries may go to, and the one address each attempt connects to.
// Link-local, metadata, unspecified and multicast addresses are always refused; private and
// loopback ones only while the setting allows them. A name is resolved once, every address it
// returns is judged, and the attempt connects to the judged address (the name goes in the Host
// header and, for https, in SNI and the certificate check): a second lookup that answers
// differently (DNS rebinding) never happens.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
const cidrs = (...list: string[]) => list.map((cidr) => ipaddr.parseCIDR(cidr));

const ALWAYS_REFUSED = cidrs(
  "0.0.0.0/8", // "this network"; 0.0.0.0 reaches the local host
  "169.254.0.0/16", // link-local, with the 169.254.169.254 metadata service of most clouds
  "100.100.100.200/32", // Alibaba Cloud metadata
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, and 255.255.255.255 broadcast
  "::/128",
  "fe80::/10", // link-local
  "fd00:ec2::/32", // AWS metadata over IPv6
  "ff00::/8", // multicast
  "64:ff9b:1::/48", // local-use NAT64: which IPv4 address it reaches is the network's choice
);

const PRIVATE = cidrs("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "100.64.0.0/10", "fc00::/7", "::1/128");

const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"]);

export type Lookup = (hostname: string) => Promise<string[]>;
export const systemLookup: Lookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** `retryable`: the target may become reachable (DNS trouble); otherwise it is refused for good. */
export type TargetCheck = { ok: true } | { ok: false; reason: string; retryable?: boolean };

const ipv4At = (parts: number[], index: number) => new ipaddr.IPv4([parts[index]! >> 8, parts[index]! & 0xff, parts[index + 1]! >> 8, parts[index + 1]! & 0xff]);

/** The IPv4 addresses an IPv6 address carries and reaches: mapped, compatible, NAT64, 6to4, Teredo. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const parts = address.parts;
  switch (address.range()) {
    case "ipv4Mapped":
    case "rfc6145":
    case "rfc6052": // 64:ff9b::/96, well-known NAT64
      return [ipv4At(parts, 6)];
    case "6to4": // 2002:AABB:CCDD::/48
      return [ipv4At(parts, 1)];
    case "teredo": // 2001:0:SERVER:flags:port:CLIENT with the client inverted
      return [ipv4At(parts, 2), ipv4At(parts.map((p, i) => (i >= 6 ? ~p & 0xffff : p)), 6)];
  }
  // IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks); :: and ::1 are not.
  if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7]! > 1)) return [ipv4At(parts, 6)];
  return [];
}

const inAny = (address: Address, list: [Address, number][]) => list.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));

export function checkAddress(text: string, allowPrivate: boolean): TargetCheck {
  let address: Address;
  try {
    address = ipaddr.parse(text.replace(/%.*$/, ""));
  } catch {
    return { ok: false, reason: `'${text}' is not an IP address` };
  }
  if (inAny(address, ALWAYS_REFUSED)) return { ok: false, reason: `${text} is a link-local, metadata or non-unicast address, which deliveries never go to` };
  if (address.kind() === "ipv6") {
    for (const inner of embeddedIpv4(address as ipaddr.IPv6)) {
      const check = checkAddress(inner.toString(), allowPrivate);
      if (!check.ok) return { ok: false, reason: `${text} carries ${inner.toString()}: ${check.reason}` };
    }
  }
  if (!allowPrivate && inAny(address, PRIVATE)) return { ok: false, reason: `${text} is a private or loopback address and allow_private_targets is off` };
  return { ok: true };
}

/** Where an attempt connects: a URL whose host is the judged address, and the name it stands for. */
export type ResolvedTarget =
  | { ok: true; connectUrl: string; hostHeader: string; serverName: string | null; address: string }
  | { ok: false; reason: string; retryable?: boolean };

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * Resolves the target's name once (within `signal`, so the lookup counts inside the delivery
 * timeout), judges every address it returns, and names the first as the one to connect to.
 * An abort of `signal` rejects, as the request itself would.
 */
export async function resolveTarget(url: string, allowPrivate: boolean, lookup: Lookup, signal: AbortSignal): Promise<ResolvedTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `'${url}' is not a URL` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { ok: false, reason: `${parsed.protocol} URLs are not delivered` };
  // A trailing dot names the same host ("metadata.google.internal." is metadata.google.internal).
  const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "").toLowerCase();
  if (METADATA_NAMES.has(host)) return { ok: false, reason: `${host} is a cloud metadata name, which deliveries never go to` };
  const literal = isIP(host) !== 0;
  // The URL parser lets through hosts no resolver can ever answer ("{{x}}"): refused for good.
  if (!literal && !/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(host)) return { ok: false, reason: `'${host}' is not a valid host name` };
  let addresses: string[];
  try {
    addresses = literal ? [host] : await untilAborted(lookup(host), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, reason: `cannot resolve ${host}: ${(error as Error).message}`, retryable: true };
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} resolves to no address`, retryable: true };
  for (const address of addresses) {
    const check = checkAddress(address, allowPrivate);
    if (!check.ok) return literal ? check : { ...check, reason: `${host} resolves to ${check.reason}` };
  }
  const address = addresses[0]!;
  const connect = new URL(parsed.href);
  connect.hostname = isIP(address) === 6 ? `[${address}]` : address;
  return { ok: true, connectUrl: connect.href, hostHeader: parsed.host, serverName: parsed.protocol === "https:" && !literal ? host : null, address };
}

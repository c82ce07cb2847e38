// Which address a request comes from. Behind a reverse proxy every request arrives from the
// proxy, so the client is read from X-Forwarded-For, but only when the connection comes from a
// proxy the operator named (--trusted-proxy): anyone else could write that header.
import ipaddr from "ipaddr.js";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "10.0.0.0/8, ::1" (single addresses allowed); throws on a bad entry. */
export function parseTrustedProxies(text: string): Range[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      if (ipaddr.isValidCIDR(part)) return ipaddr.parseCIDR(part);
      if (ipaddr.isValid(part)) {
        const address = ipaddr.parse(part);
        return [address, address.kind() === "ipv4" ? 32 : 128] as Range;
      }
      throw new Error(`'${part}' is not an IP address or CIDR range`);
    });
}

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const address = ipaddr.parse(text.trim());
    // ::ffff:10.0.0.1 is how a dual-stack socket shows an IPv4 peer.
    return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  } catch {
    return null;
  }
}

export type ClientAddress = (peer: string | null, headers: Headers) => string | null;

export function clientAddressResolver(trusted: Range[]): ClientAddress {
  const isTrusted = (address: ipaddr.IPv4 | ipaddr.IPv6) => trusted.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  return (peer, headers) => {
    if (!peer || trusted.length === 0) return peer;
    const socket = parse(peer);
    if (!socket || !isTrusted(socket)) return peer;
    // The nearest hop that is not one of our proxies is the client; a hop that is not an
    // address ends the walk (whatever is left of it was written by the client).
    const hops = (headers.get("x-forwarded-for") ?? "").split(",").reverse();
    let client = socket;
    for (const hop of hops) {
      const address = parse(hop);
      if (!address) break;
      client = address;
      if (!isTrusted(address)) break;
    }
    return client.toString();
  };
}

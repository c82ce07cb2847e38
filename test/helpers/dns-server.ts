// A stand-in DNS server on UDP: answers A queries with whatever the test decides for each
// query (so it can answer differently the second time, as a rebinding attacker's server does),
// AAAA queries with no address. Only as much of RFC 1035 as getaddrinfo needs.
import { createSocket } from "node:dgram";

export interface DnsQuery {
  name: string;
  type: number;
}

const TYPE_A = 1;

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (message[at]! > 0) {
    const length = message[at]!;
    labels.push(message.subarray(at + 1, at + 1 + length).toString("latin1"));
    at += 1 + length;
  }
  return { name: labels.join(".").toLowerCase(), end: at + 1 };
}

/** `answer(name, nth)` gives the IPv4 addresses for the nth A query (from 1) of that name. */
export async function startDnsServer(host: string, port: number, answer: (name: string, nth: number) => string[]) {
  const queries: DnsQuery[] = [];
  const seen = new Map<string, number>();
  const socket = createSocket("udp4");
  socket.on("message", (message, peer) => {
    const { name, end } = readName(message, 12);
    const type = message.readUInt16BE(end);
    queries.push({ name, type });
    let addresses: string[] = [];
    if (type === TYPE_A) {
      const nth = (seen.get(name) ?? 0) + 1;
      seen.set(name, nth);
      addresses = answer(name, nth);
    }
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2); // the query's id
    header.writeUInt16BE(0x8180, 2); // a response, recursion desired and available, no error
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const question = message.subarray(12, end + 4);
    const records = addresses.map((address) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(TYPE_A, 2);
      record.writeUInt16BE(1, 4); // class IN
      record.writeUInt32BE(0, 6); // TTL 0: nothing may cache it
      record.writeUInt16BE(4, 10);
      address.split(".").forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
      return record;
    });
    socket.send(Buffer.concat([header, question, ...records]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, host, resolve));
  return {
    /** A queries so far for `name`. */
    aQueries: (name: string) => queries.filter((q) => q.name === name && q.type === TYPE_A).length,
    close: () => socket.close(),
  };
}

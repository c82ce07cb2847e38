// Runs inside a private network namespace (see rebinding.test.ts): loopback is up and also
// holds 169.254.169.254, /etc/resolv.conf points at 127.0.0.1, and this script answers DNS
// there. A fake metadata service listens on 169.254.169.254 and a stand-in receiver on
// 127.0.0.1, on the same port, so whichever address a delivery connects to gets it.
// The real server (real worker, real resolver, real fetch) sends to names whose second lookup
// answers the metadata address. Prints one JSON line of what each listener received.
import { startDnsServer } from "../helpers/dns-server";
import { createBot, createWebhook, hookUrl, post } from "../helpers/inbound";
import { startTestServer } from "../helpers/server";

const [certFile, keyFile] = process.argv.slice(2) as [string, string];
const METADATA = "169.254.169.254";

const dns = await startDnsServer("127.0.0.1", 53, (name, nth) => {
  if (name === "both.test") return ["127.0.0.1", METADATA];
  if (name === "metadata-first.test") return [METADATA];
  // First answer harmless, every later one the metadata service: the classic rebinding.
  return nth === 1 ? ["127.0.0.1"] : [METADATA];
});

type Hit = { path: string; host: string | null };
function listen(hostname: string, port: number, hits: Hit[], tls?: { cert: string; key: string }) {
  return Bun.serve({
    hostname,
    port,
    ...(tls ? { tls: { cert: Bun.file(tls.cert), key: Bun.file(tls.key) } } : {}),
    fetch(request) {
      hits.push({ path: new URL(request.url).pathname, host: request.headers.get("host") });
      return new Response(hostname === METADATA ? "ami-id: secret-instance-credentials" : "ok");
    },
  });
}
const metadataHits: Hit[] = [];
const receiverHits: Hit[] = [];
const receiver = listen("127.0.0.1", 0, receiverHits);
const port = receiver.port!;
listen(METADATA, port, metadataHits);
const tlsReceiverHits: Hit[] = [];
const tlsMetadataHits: Hit[] = [];
const tlsReceiver = listen("127.0.0.1", 0, tlsReceiverHits, { cert: certFile, key: keyFile });
const tlsPort = tlsReceiver.port!;
listen(METADATA, tlsPort, tlsMetadataHits, { cert: certFile, key: keyFile });

const server = await startTestServer();
const bot = await createBot(server);
const action = (url: string) => ({ type: "http_request", url, method: "POST", body: { probe: true } });
const webhook = await createWebhook(server, bot.flow_ns, {
  active: true,
  identify: { phone: "phone" },
  actions: [
    action(`http://rebind.test:${port}/latest/meta-data/`),
    action(`https://secure.test:${tlsPort}/latest/meta-data/`),
    action(`http://both.test:${port}/both`),
    action(`http://metadata-first.test:${port}/first`),
  ],
});
const answer = await post(hookUrl(server, webhook), { phone: "+14155552671" });
if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${await answer.text()}`);
await server.api("PUT", "/api/v1/integrations/webhook", { url: `http://integration.test:${port}/relay`, enabled: true });
const testEvent = await server.api("POST", "/api/v1/integrations/webhook/test");
if (testEvent.status !== 200) throw new Error(`test event answered ${testEvent.status}`);

const deadline = Date.now() + 10_000;
const finished = () => (server.db.query("SELECT count(*) AS n FROM deliveries WHERE state IN ('pending', 'sending')").get() as { n: number }).n === 0;
while (!finished() && Date.now() < deadline) await Bun.sleep(20);
const deliveries = server.db.query("SELECT target_url, state, attempts, last_error, last_response FROM deliveries ORDER BY id").all();

console.log(
  JSON.stringify({
    port,
    tlsPort,
    receiverHits,
    metadataHits,
    tlsReceiverHits,
    tlsMetadataHits,
    aQueries: Object.fromEntries(["rebind.test", "secure.test", "integration.test"].map((name) => [name, dns.aQueries(name)])),
    deliveries,
  }),
);
await server.close();
dns.close();
process.exit(0);

// The physical limit of this runtime on this machine: parse the same JSON body, answer 200.
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  async fetch(request) {
    const body = await request.json();
    return Response.json({ ok: true, keys: Object.keys(body).length });
  },
});
console.log(`listening ${server.port}`);

// Runs the CLI (source or compiled binary) as a real child process.
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");
export const SOURCE_CLI = [process.execPath, join(ROOT, "src", "main.ts")];

export async function runCli(args: string[], { cwd = ROOT, stdin, env = {}, command = SOURCE_CLI }: { cwd?: string; stdin?: string; env?: Record<string, string>; command?: string[] } = {}) {
  const child = Bun.spawn([...command, ...args], {
    cwd,
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, SWITCHBOARD_ADMIN_PASSWORD: "", ...env },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, code };
}

/** Starts `serve` on a free port and resolves once it prints its admin URL. */
export async function spawnServer(args: string[], { cwd = ROOT, env = {}, command = SOURCE_CLI }: { cwd?: string; env?: Record<string, string>; command?: string[] } = {}) {
  const child = Bun.spawn([...command, "serve", "--port", "0", ...args], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, SWITCHBOARD_ADMIN_PASSWORD: "", ...env },
  });
  let output = "";
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 10_000;
  let url: string | null = null;
  while (!url && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += decoder.decode(value);
    url = /Admin page: (http:\/\/[^\s]+)\/admin/.exec(output)?.[1] ?? null;
  }
  if (!url) {
    child.kill();
    throw new Error(`server did not start: ${output}${await new Response(child.stderr).text()}`);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return output;
      output += decoder.decode(value);
    }
  })();
  /** Resolves once the output holds `text`; throws after `ms`. */
  async function waitFor(text: string, ms = 10_000) {
    const until = Date.now() + ms;
    while (!output.includes(text)) {
      if (Date.now() > until) throw new Error(`no "${text}" in the server's output within ${ms} ms: ${output.slice(-500)}`);
      await Bun.sleep(10);
    }
  }
  return { child, url, output: () => output, finished: rest, waitFor };
}

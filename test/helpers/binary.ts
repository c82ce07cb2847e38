// The compiled binary as benchmarks and soak tests run it: started on a free port, ready once
// it prints its admin URL, its output drained so it never blocks.
import { join } from "node:path";

export const BINARY = join(import.meta.dir, "..", "..", "dist", "switchboard");

export interface RunningBinary {
  proc: ReturnType<typeof Bun.spawn>;
  url: string;
}

export async function startBinary(args: string[], env: Record<string, string> = {}): Promise<RunningBinary> {
  const proc = Bun.spawn([BINARY, "serve", "--port", "0", ...args], { stdout: "pipe", stderr: "inherit", env: { ...process.env, ...env } });
  const reader = proc.stdout.getReader();
  let output = "";
  let url = "";
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the binary did not start: ${output}`);
    output += new TextDecoder().decode(value);
    url = /Admin page: (http:\/\/\S+)\/admin/.exec(output)?.[1] ?? "";
  }
  void (async () => {
    for (;;) if ((await reader.read()).done) return;
  })();
  return { proc, url };
}

/** Runs a CLI command against a data dir and returns its last line of output. */
export function cliLastLine(args: string[]): string {
  return Bun.spawnSync([BINARY, ...args]).stdout.toString().trim().split("\n").at(-1)!;
}

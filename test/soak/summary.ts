// One row per fault in a shared table that `make soak` prints at the end: what was sent, what
// Switchboard acknowledged, what arrived (stored or delivered), and what was lost.
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const SUMMARY = join(import.meta.dir, "..", ".tmp", "soak-summary.md");

export function reportRow(fault: string, sent: number, acknowledged: number, arrived: number | string, lost: number) {
  mkdirSync(join(SUMMARY, ".."), { recursive: true });
  appendFileSync(SUMMARY, `| ${fault} | ${sent} | ${acknowledged} | ${arrived} | ${lost} |\n`);
}

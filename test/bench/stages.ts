// Where an ingest request's time goes, from the server's own counters (/metrics,
// switchboard_ingest_stage_seconds_total) and its process CPU time (/proc), read before and
// after a load run: microseconds per processed request, stage by stage.
import { readFileSync } from "node:fs";
import { INGEST_STAGES } from "../../src/lib/stage-times";

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

export interface StageSnapshot {
  stages: Record<string, number>;
  processed: number;
  flushes: number;
  flushSeconds: number;
  cpuSeconds: number;
}

export async function stageSnapshot(url: string, pid: number): Promise<StageSnapshot> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
  const stages = Object.fromEntries(Object.keys(INGEST_STAGES).map((stage) => [stage, value(new RegExp(`^switchboard_ingest_stage_seconds_total\\{stage="${stage}"\\} (\\S+)$`, "m"))]));
  // utime and stime are fields 14 and 15; the command name (field 2) may hold spaces, so count after it.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return {
    stages,
    processed: value(/^switchboard_inbound_requests_total\{outcome="processed"\} (\S+)$/m),
    flushes: value(/^switchboard_wal_flushes_total (\S+)$/m),
    flushSeconds: value(/^switchboard_wal_flush_seconds_total (\S+)$/m),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
  };
}

/** Lines of µs per processed request between two snapshots. */
export function stageLines(before: StageSnapshot, after: StageSnapshot): string[] {
  const requests = after.processed - before.processed;
  const us = (seconds: number) => ((seconds / requests) * 1e6).toFixed(0).padStart(5);
  const cpu = after.cpuSeconds - before.cpuSeconds;
  let measured = 0;
  const lines = Object.entries(INGEST_STAGES).map(([stage, what]) => {
    const seconds = after.stages[stage]! - before.stages[stage]!;
    measured += seconds;
    return `   ${us(seconds)} µs  ${stage.padEnd(13)} ${what}`;
  });
  const flushes = after.flushes - before.flushes;
  const flushMs = flushes ? ((after.flushSeconds - before.flushSeconds) / flushes) * 1000 : 0;
  return [
    `   where an ingest request's time goes (${requests} requests; process CPU ${us(cpu).trim()} µs per request):`,
    `   ${us(cpu - measured)} µs  http          HTTP parsing, reading the body, the answer, the request log line, GC, other threads (process CPU less the stages)`,
    ...lines,
    `   flush: ${flushes} fdatasyncs of the WAL (${(flushes / requests).toFixed(3)} per request), ${flushMs.toFixed(2)} ms each, on the thread pool while the next requests run`,
  ];
}

/** @jsxImportSource @kitajs/html */
// The last day at a glance: webhook requests and deliveries per hour, drawn as SVG on the
// server (no script; sizes are SVG attributes, colours come from app.css).
import type { HourlyName } from "../../src/modules/system/hourly";

export interface HourRow {
  hourStart: number;
  counts: Record<HourlyName, number>;
}

const WIDTH = 480;
const HEIGHT = 120;
const AXIS = 18; // room for the hour labels under the bars

const hourLabel = (ms: number) => `${new Date(ms).toISOString().slice(11, 13)}:00`;

function Bars({ title, rows, parts }: { title: string; rows: HourRow[]; parts: { name: HourlyName; label: string; class: string }[] }) {
  const totals = rows.map((row) => parts.reduce((sum, part) => sum + row.counts[part.name], 0));
  const max = Math.max(1, ...totals);
  const slot = WIDTH / rows.length;
  const scale = (HEIGHT - AXIS) / max;
  const sum = totals.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart">
      <figcaption>
        {title}: <strong>{sum.toLocaleString("en")}</strong> in 24 h, busiest hour {max === 1 && sum === 0 ? 0 : max.toLocaleString("en")}
        {parts.length > 1 ? (
          <span class="legend">
            {parts.map((part) => (
              <span class={`key ${part.class}`}>{part.label}</span>
            ))}
          </span>
        ) : (
          ""
        )}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title} per hour, last 24 hours`}>
        <line class="axis" x1="0" x2={String(WIDTH)} y1={String(HEIGHT - AXIS)} y2={String(HEIGHT - AXIS)} />
        {rows.map((row, i) => {
          let top = HEIGHT - AXIS;
          return (
            <g>
              {parts.map((part) => {
                const height = row.counts[part.name] * scale;
                top -= height;
                return (
                  <rect class={part.class} x={(i * slot + 1).toFixed(1)} y={top.toFixed(1)} width={(slot - 2).toFixed(1)} height={height.toFixed(1)}>
                    <title>{`${hourLabel(row.hourStart)} UTC: ${row.counts[part.name]} ${part.label}`}</title>
                  </rect>
                );
              })}
              {i % 6 === 0 ? (
                <text class="tick" x={(i * slot + 1).toFixed(1)} y={String(HEIGHT - 4)}>
                  {hourLabel(row.hourStart)}
                </text>
              ) : (
                ""
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function LastDayCharts({ rows }: { rows: HourRow[] }) {
  return (
    <section id="last-day" class="card">
      <h2>Last 24 hours <span class="muted small-text">(hours in UTC)</span></h2>
      <div class="grid2">
        <Bars title="Webhook requests" rows={rows} parts={[{ name: "webhook_requests", label: "requests", class: "bar" }]} />
        <Bars
          title="Deliveries"
          rows={rows}
          parts={[
            { name: "deliveries_succeeded", label: "delivered", class: "bar" },
            { name: "deliveries_failed", label: "failed", class: "bar failed" },
          ]}
        />
      </div>
    </section>
  );
}

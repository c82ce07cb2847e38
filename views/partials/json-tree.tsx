/** @jsxImportSource @kitajs/html */
// The example JSON as a tree; each value can be picked as an identification path or mapping.
import { formatPath, type PathSegment } from "../../src/lib/json-path";

const PICKS = [
  ["user_ns", "user_ns"],
  ["phone", "phone"],
  ["email", "email"],
  ["map", "map to field"],
  ["condition", "only when equal"],
] as const;

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function Leaf({ webhookId, segments, value }: { webhookId: number; segments: PathSegment[]; value: unknown }) {
  const path = formatPath(segments);
  return (
    <span class="leaf">
      <code class="value" safe>{preview(value)}</code>
      <span class="picks">
        {PICKS.map(([as, label]) => (
          <button type="button" class="pick small secondary" hx-post={`/admin/webhooks/${webhookId}/pick`} hx-vals={JSON.stringify({ path, as })}
            hx-target={as === "condition" ? "#wh-conditions" : "#wh-config"} hx-swap="outerHTML" title={`Use ${path} as ${label}`} data-path={path} data-as={as}>
            {label}
          </button>
        ))}
      </span>
    </span>
  );
}

function Node({ webhookId, segments, value, depth }: { webhookId: number; segments: PathSegment[]; value: unknown; depth: number }): JSX.Element {
  if (value === null || typeof value !== "object" || depth > 20) return <Leaf webhookId={webhookId} segments={segments} value={value} />;
  const entries: [PathSegment, unknown][] = Array.isArray(value) ? value.slice(0, 50).map((item, i) => [i, item]) : Object.entries(value).slice(0, 200);
  return (
    <ul class="tree">
      {entries.map(([key, child]) => (
        <li>
          {child !== null && typeof child === "object" ? (
            <details open={depth < 3}>
              <summary>
                <code safe>{String(key)}</code> <span class="muted">{Array.isArray(child) ? `[${child.length}]` : "{…}"}</span>
              </summary>
              <Node webhookId={webhookId} segments={[...segments, key]} value={child} depth={depth + 1} />
            </details>
          ) : (
            <>
              <code class="key" safe>{String(key)}</code>: <Leaf webhookId={webhookId} segments={[...segments, key]} value={child} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export function JsonTree({ webhookId, example }: { webhookId: number; example: unknown }) {
  if (example === null || example === undefined) return <p class="muted">No example yet: paste one or listen for a live request.</p>;
  if (typeof example !== "object") return <p class="muted">The example is not an object.</p>;
  return (
    <div class="json-tree" id="wh-tree">
      <Node webhookId={webhookId} segments={[]} value={example} depth={0} />
    </div>
  );
}

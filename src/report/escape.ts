/**
 * Everything user-controlled (column names, levels, params, pipeline names) goes through here before it
 * reaches the report: the HTML is opened from disk and artifact stores, so a column named `<script>` must
 * stay text.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in HTML and SVG text and in quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Long labels break chart layouts; the full text goes in a <title> tooltip instead. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// Small pure helpers that turn API values into text.

/**
 * "§4.2 Termination", "§7", "Schedule 1 – Fees", "Definitions" or "Preamble" (neither number nor
 * heading). Only a numeric clause number takes "§": "§Schedule 1" is not how anyone writes it.
 */
export function clauseTitle(number: string | null, heading: string | null): string {
  const bare = number ? number.replace(/^§\s*/, "") : "";
  const num = /^\d/.test(bare) ? `§${bare}` : bare;
  return [num, heading ?? ""].filter(Boolean).join(/^\d/.test(bare) ? " " : " – ") || "Preamble";
}

// A line that starts a list item or a sub-paragraph: "(a)", "(iv)", "A. ", "1. ", "4.2 ", "• ";
// not "2025 (the ..." nor "86,400 for ...", which are wrapped lines that happen to start with a number.
const ITEM_START = /^(\([0-9a-zA-Z]{1,4}\)|[A-Z]\.\s|\d+\.\s|\d+(\.\d+)+\.?\s|[•\-–*]\s)/;
// A sentence ends at . : ; ! or ?, perhaps inside a closing quote or bracket: `(the "Tenant").`
const SENTENCE_END = /[.:;!?]["”’')\]]*$/;

/**
 * A clause's text as paragraphs for reading. PDF text keeps the page's line wraps ("after giving
 * Customer at⏎least ten days"), which look broken in a narrower panel; so a line break is taken
 * as a soft wrap, and replaced by a space, when the line before it is long (a wrapped line fills
 * the page: ≥ 70 % of the longest line) and does not end a sentence, and the next line does not
 * start a list item. Short lines (sub-headings such as "Background") and DOCX paragraphs keep
 * their breaks. The first line is dropped when it is the clause's own heading line, which the
 * panel already shows as its title; apart from that line only whitespace changes.
 */
export function clauseParagraphs(text: string, heading: string | null): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const first = lines[0] ?? "";
  // "5.5 Suspension for Non-Payment", "Schedule 1 - Fees and Payment": the title, said again.
  if (lines.length > 1 && heading && first.includes(heading) && first.length <= heading.length + 24) {
    lines.shift();
  }
  const longest = Math.max(0, ...lines.map((line) => line.length));
  const paragraphs: string[] = [];
  let previous = "";
  for (const line of lines) {
    if (!line) {
      previous = "";
      continue;
    }
    const soft =
      previous !== "" &&
      previous.length >= 0.7 * longest &&
      !SENTENCE_END.test(previous) &&
      !ITEM_START.test(line);
    if (soft) paragraphs[paragraphs.length - 1] += ` ${line}`;
    else paragraphs.push(line);
    previous = line;
  }
  return paragraphs;
}

/** "notice_period_days" → "Notice period days". */
export function humanize(field: string): string {
  const words = field.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A duration as the server's schema sends it, `{value: 90, unit: "day"}`, as "90 days" (the
 * backend's `Duration.__str__`); null for anything else. Without this the facts table would say
 * "Value: 90, Unit: day".
 */
function asDuration(value: unknown): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const entries = Object.keys(value);
  const { value: count, unit } = value as { value?: unknown; unit?: unknown };
  if (entries.length !== 2 || typeof count !== "number" || typeof unit !== "string") return null;
  return `${count} ${unit.replace(/_/g, " ")}${count === 1 ? "" : "s"}`;
}

/** A party, `{name, role}`, as "Lumenfold Software, Inc. (Provider)"; null for anything else. */
function asParty(value: unknown): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const { name, role, ...rest } = value as { name?: unknown; role?: unknown };
  if (typeof name !== "string" || Object.keys(rest).length) return null;
  return typeof role === "string" && role ? `${name} (${role})` : name;
}

/** Any JSON value as one line of text, so the facts table needs no knowledge of the schema. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.length ? value.map(formatValue).join("; ") : "—";
  const duration = asDuration(value);
  if (duration) return duration;
  const party = asParty(value);
  if (party) return party;
  if (typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== "")
      .map(([k, v]) => `${humanize(k)}: ${formatValue(v)}`);
    return parts.length ? parts.join(", ") : "—";
  }
  return String(value);
}

/** The date part of an ISO timestamp: the same on every machine, unlike toLocaleString. */
export function formatDate(iso: string): string {
  return iso ? iso.slice(0, 10) : "—";
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The ids a `sources` entry points at: one id, a list of ids, or nothing. */
export function sourceIds(source: unknown): (string | number)[] {
  if (source === null || source === undefined) return [];
  const list = Array.isArray(source) ? source : [source];
  return list.filter((x): x is string | number => typeof x === "string" || typeof x === "number");
}

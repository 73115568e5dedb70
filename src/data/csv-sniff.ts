/**
 * Delimiter detection: the candidate that splits the header into the most fields while giving the same field count
 * on the following lines wins. Quote-aware, so commas inside "quoted, values" do not count.
 */
export const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof CANDIDATE_DELIMITERS)[number];

/** How many bytes of a file the sniffer looks at. */
export const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 50;

/**
 * @param sample the start of the file, decoded
 * @param complete whether `sample` is the whole file (otherwise its last line may be cut and is ignored)
 */
export function detectDelimiter(sample: string, complete: boolean): Delimiter {
  const lines = countPerLine(sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample, complete);
  if (lines.length === 0) return ',';
  let best: Delimiter = ',';
  let bestScore = -1;
  let bestFields = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const header = lines[0].get(d)!;
    if (header === 0) continue;
    const rest = lines.slice(1);
    const consistent = rest.length === 0 ? 1 : rest.filter((l) => l.get(d) === header).length / rest.length;
    if (consistent > bestScore || (consistent === bestScore && header > bestFields)) {
      best = d;
      bestScore = consistent;
      bestFields = header;
    }
  }
  return best;
}

/** Per line (quote-aware, blank lines skipped), how often each candidate delimiter occurs outside quotes. */
function countPerLine(text: string, complete: boolean): Array<Map<Delimiter, number>> {
  const lines: Array<Map<Delimiter, number>> = [];
  let counts = fresh();
  let inQuotes = false;
  let nonBlank = false;
  for (let i = 0; i < text.length && lines.length < SNIFF_LINES; i++) {
    const ch = text[i];
    if (ch === '"') {
      inQuotes = !inQuotes; // a doubled "" toggles twice, which is right
      nonBlank = true;
    } else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (nonBlank) lines.push(counts);
      counts = fresh();
      nonBlank = false;
    } else if (!inQuotes && counts.has(ch as Delimiter)) {
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
      nonBlank = true;
    } else if (ch !== ' ') {
      nonBlank = true;
    }
  }
  if (complete && nonBlank && lines.length < SNIFF_LINES) lines.push(counts);
  return lines;
}

function fresh(): Map<Delimiter, number> {
  return new Map(CANDIDATE_DELIMITERS.map((d) => [d, 0]));
}

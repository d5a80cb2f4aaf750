// The start of a CSV file as the import wizard previews it: the header and a few rows, read in the
// browser the way the API reads the whole file (UTF-8 with or without BOM; ',', ';' or tab separated,
// whichever the header line has most of).

export interface CsvHead {
  header: string[];
  /** The first data rows (blank lines skipped), for sample values beside each column. */
  rows: string[][];
  delimiter: string;
}

export type CsvProblem = "not-utf8" | "empty" | "no-header";

export class CsvError extends Error {
  readonly problem: CsvProblem;

  constructor(problem: CsvProblem) {
    super(problem);
    this.name = "CsvError";
    this.problem = problem;
  }
}

/** Bytes read from the file's start: plenty for a header and sample rows. */
export const HEAD_BYTES = 256 * 1024;

/** Text of the file's first bytes; a multi-byte character cut at the end is no error, anything else
 * that is not UTF-8 is. The BOM Excel writes is dropped. */
export function decodeHead(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes, { stream: true });
  } catch {
    throw new CsvError("not-utf8");
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function detectDelimiter(headerLine: string): string {
  let best = ",";
  let bestCount = 0;
  for (const d of [",", ";", "\t"]) {
    const count = headerLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** RFC 4180 records ("" escapes a quote, quoted cells may hold the delimiter and line breaks). Stops
 * after `limit` records; a record cut off by the end of the text is dropped when `complete` is false. */
export function parseCsv(text: string, delimiter: string, limit: number, complete = true): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    record.push(cell);
    records.push(record);
    record = [];
    cell = "";
  };
  while (i < text.length && records.length < limit) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === delimiter) {
      record.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      endRecord();
    } else cell += ch;
    i += 1;
  }
  if (records.length < limit && complete && (cell !== "" || record.length)) endRecord();
  return records;
}

/** Header and sample rows of a file's first bytes. `complete`: the bytes are the whole file. */
export function readHead(bytes: Uint8Array, complete: boolean, sampleRows = 3): CsvHead {
  const text = decodeHead(bytes);
  if (!text.trim()) throw new CsvError("empty");
  const delimiter = detectDelimiter(text.split("\n", 1)[0] ?? "");
  const records = parseCsv(text, delimiter, 200, complete);
  const header = (records[0] ?? []).map((h) => h.trim());
  if (!header.some(Boolean)) throw new CsvError("no-header");
  const rows = records
    .slice(1)
    .filter((r) => r.some((c) => c.trim() !== ""))
    .slice(0, sampleRows);
  return { header, rows, delimiter };
}

/** Read the start of a file chosen or dropped in the browser. */
export async function readFileHead(file: File): Promise<CsvHead> {
  const slice = file.slice(0, HEAD_BYTES);
  const bytes = new Uint8Array(await slice.arrayBuffer());
  return readHead(bytes, file.size <= HEAD_BYTES);
}

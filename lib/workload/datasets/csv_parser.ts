/**
 * An incremental RFC 4180 CSV parser: feed text chunks (any split, even inside a quoted field),
 * get records with the 1-based line each starts on. Comma-separated; fields may be quoted with
 * `"`, a quote inside a quoted field is doubled (`""`), and quoted fields may hold commas and
 * line breaks (kept as written). CRLF and LF both end records; a leading BOM is dropped; empty
 * lines are skipped. Lenient where RFC 4180 is silent: a `"` inside an unquoted field is kept
 * literally. Errors are per record (text after a closing quote; a quote never closed), so a
 * caller can skip the record and go on.
 */

/** One CSV record. */
export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
  /** Set when the record is malformed; `fields` are then best effort. */
  error?: string;
}

/** A parser fed chunk by chunk; see the module comment. */
export interface CsvParser {
  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[];
  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[];
}

// Parser states: at a field's start, inside an unquoted field, inside quotes, just after a quote
// inside quotes (either the closing quote or the first of a doubled one).
const State = { FieldStart: 0, Unquoted: 1, Quoted: 2, QuoteInQuoted: 3 } as const;
type State = (typeof State)[keyof typeof State];

/** Creates an incremental CSV parser. */
export function createCsvParser(): CsvParser {
  let state: State = State.FieldStart;
  let field = "";
  let fields: string[] = [];
  let line = 1;
  let startLine = 1;
  let inRecord = false;
  let error: string | undefined;
  let first = true;
  let quotedSeen = false;

  const finishRecord = (out: CsvRecord[]) => {
    fields.push(field);
    const empty = fields.length === 1 && fields[0] === "" && error === undefined;
    // A line with nothing on it is not a record (a quoted "" is: it left inRecord set).
    if (!(empty && !quotedSeen)) {
      const rec: CsvRecord = { fields, line: startLine };
      if (error !== undefined) rec.error = error;
      out.push(rec);
    }
    fields = [];
    field = "";
    error = undefined;
    inRecord = false;
    quotedSeen = false;
    state = State.FieldStart;
  };

  const push = (chunk: string): CsvRecord[] => {
    const out: CsvRecord[] = [];
    let i = 0;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (!inRecord) {
        if (c === "\r") continue;
        inRecord = true;
        startLine = line;
      }
      switch (state) {
        case State.FieldStart:
          if (c === '"') {
            state = State.Quoted;
            quotedSeen = true;
          } else if (c === ",") fields.push("");
          else if (c === "\n") {
            line++;
            finishRecord(out);
          } else if (c !== "\r") {
            field = c;
            state = State.Unquoted;
          }
          break;
        case State.Unquoted:
          if (c === ",") {
            fields.push(field);
            field = "";
            state = State.FieldStart;
          } else if (c === "\n") {
            line++;
            finishRecord(out);
          } else if (c !== "\r") field += c;
          break;
        case State.Quoted:
          if (c === '"') state = State.QuoteInQuoted;
          else {
            if (c === "\n") line++;
            field += c;
          }
          break;
        case State.QuoteInQuoted:
          if (c === '"') {
            field += '"';
            state = State.Quoted;
          } else if (c === ",") {
            fields.push(field);
            field = "";
            state = State.FieldStart;
          } else if (c === "\n") {
            line++;
            finishRecord(out);
          } else if (c !== "\r") {
            error ??= `text after a closing quote in field ${fields.length + 1} ` +
              `(a quote inside a quoted field must be doubled: "")`;
            field += c;
            state = State.Unquoted;
          }
          break;
      }
    }
    return out;
  };

  const end = (): CsvRecord[] => {
    const out: CsvRecord[] = [];
    if (!inRecord) return out;
    if (state === State.Quoted) {
      error ??= `quoted field ${fields.length + 1} is never closed (missing ")`;
    }
    finishRecord(out);
    return out;
  };

  return { push, end };
}

/** Parses a whole CSV text at once (tests and small files). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = createCsvParser();
  return [...parser.push(text), ...parser.end()];
}

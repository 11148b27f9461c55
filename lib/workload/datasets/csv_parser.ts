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
  const parser = new CsvStateMachine();
  // Plain closures, so `push` and `end` may be called detached from the object.
  return { push: (chunk) => parser.push(chunk), end: () => parser.end() };
}

/** The parser's state between chunks, and one method per state for the next character. */
class CsvStateMachine {
  private state: State = State.FieldStart;
  private field = "";
  private fields: string[] = [];
  private line = 1;
  private startLine = 1;
  private inRecord = false;
  private error: string | undefined;
  private first = true;
  private quotedSeen = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (!this.inRecord) {
        if (c === "\r") continue;
        this.inRecord = true;
        this.startLine = this.line;
      }
      switch (this.state) {
        case State.FieldStart:
          this.atFieldStart(c, out);
          break;
        case State.Unquoted:
          this.inUnquoted(c, out);
          break;
        case State.Quoted:
          this.inQuoted(c);
          break;
        case State.QuoteInQuoted:
          this.afterQuoteInQuoted(c, out);
          break;
      }
    }
    return out;
  }

  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (!this.inRecord) return out;
    if (this.state === State.Quoted) {
      this.error ??= `quoted field ${this.fields.length + 1} is never closed (missing ")`;
    }
    this.finishRecord(out);
    return out;
  }

  private atFieldStart(c: string, out: CsvRecord[]): void {
    if (c === '"') {
      this.state = State.Quoted;
      this.quotedSeen = true;
    } else if (c === ",") this.fields.push("");
    else if (c === "\n") {
      this.line++;
      this.finishRecord(out);
    } else if (c !== "\r") {
      this.field = c;
      this.state = State.Unquoted;
    }
  }

  private inUnquoted(c: string, out: CsvRecord[]): void {
    if (c === ",") this.endField();
    else if (c === "\n") {
      this.line++;
      this.finishRecord(out);
    } else if (c !== "\r") this.field += c;
  }

  private inQuoted(c: string): void {
    if (c === '"') this.state = State.QuoteInQuoted;
    else {
      if (c === "\n") this.line++;
      this.field += c;
    }
  }

  private afterQuoteInQuoted(c: string, out: CsvRecord[]): void {
    if (c === '"') {
      this.field += '"';
      this.state = State.Quoted;
    } else if (c === ",") this.endField();
    else if (c === "\n") {
      this.line++;
      this.finishRecord(out);
    } else if (c !== "\r") {
      this.error ??= `text after a closing quote in field ${this.fields.length + 1} ` +
        `(a quote inside a quoted field must be doubled: "")`;
      this.field += c;
      this.state = State.Unquoted;
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = "";
    this.state = State.FieldStart;
  }

  private finishRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    const empty = this.fields.length === 1 && this.fields[0] === "" && this.error === undefined;
    // A line with nothing on it is not a record (a quoted "" is: it left inRecord set).
    if (!(empty && !this.quotedSeen)) {
      const rec: CsvRecord = { fields: this.fields, line: this.startLine };
      if (this.error !== undefined) rec.error = this.error;
      out.push(rec);
    }
    this.fields = [];
    this.field = "";
    this.error = undefined;
    this.inRecord = false;
    this.quotedSeen = false;
    this.state = State.FieldStart;
  }
}

/** Parses a whole CSV text at once (tests and small files). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = createCsvParser();
  return [...parser.push(text), ...parser.end()];
}

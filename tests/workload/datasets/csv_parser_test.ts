import assert from "node:assert/strict";
import { createCsvParser, parseCsv } from "../../../lib/workload/datasets/csv_parser.ts";

Deno.test("csv parser keeps commas, doubled quotes and line breaks inside quoted fields", () => {
  const records = parseCsv('a,b\n"x, y","say ""hi""\nnext line"\nplain,"" \n');
  assert.deepEqual(records[0], { fields: ["a", "b"], line: 1 });
  assert.deepEqual(records[1], { fields: ["x, y", 'say "hi"\nnext line'], line: 2 });
  // The record after an embedded line break starts one line later than its record count says.
  assert.equal(records[2].line, 4);
  assert.equal(records[2].error?.includes("closing quote"), true);
});

Deno.test("csv parser handles CRLF, a BOM, empty lines, empty fields and no final newline", () => {
  const records = parseCsv('\uFEFFp,q\r\n\r\n,\r\n"",x\r\nlast,"1\r\n2"');
  assert.deepEqual(records, [
    { fields: ["p", "q"], line: 1 },
    { fields: ["", ""], line: 3 },
    { fields: ["", "x"], line: 4 },
    { fields: ["last", "1\r\n2"], line: 5 },
  ]);
});

Deno.test("csv parser gives the same records whatever the chunk boundaries", () => {
  const text = 'id,prompt\n1,"a ""quoted"", multi\nline"\r\n2,plain\n3,"안녕, 세계"\n';
  const whole = parseCsv(text);
  for (const size of [1, 2, 3, 7]) {
    const parser = createCsvParser();
    const got = [];
    for (let i = 0; i < text.length; i += size) got.push(...parser.push(text.slice(i, i + size)));
    got.push(...parser.end());
    assert.deepEqual(got, whole, `chunk size ${size}`);
  }
  assert.equal(whole.length, 4);
  assert.equal(whole[1].fields[1], 'a "quoted", multi\nline');
  assert.equal(whole[3].fields[1], "안녕, 세계");
});

Deno.test("csv parser reports a quote never closed at the line where its record starts", () => {
  const records = parseCsv('h\n"ok"\n"open\nmore\n');
  assert.equal(records.length, 3);
  assert.equal(records[2].line, 3);
  assert.match(records[2].error ?? "", /never closed/);
});

/**
 * Splits a command given as one string (`--gpu-sampler "ssh gpu-box nvidia-smi"`) into argv
 * the way a POSIX shell would for plain words: whitespace separates, single quotes keep
 * everything literally, double quotes keep spaces, a backslash escapes the next character. No
 * variables, globs or pipes: the command is spawned directly, never through a shell.
 * Returns a problem (unbalanced quote, empty command) instead of throwing.
 */
export function splitCommand(text: string): { argv: string[] } | { problem: string } {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < text.length && '"\\'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { problem: `unbalanced ${quote === "'" ? "single" : "double"} quote` };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { problem: "empty command" };
  return { argv };
}

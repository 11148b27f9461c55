/**
 * Strict checks on generated HTML that a lenient parser would forgive: every element closed in
 * order, attributes quoted, and nothing that makes a browser fetch (src/href outside the page,
 * CSS url()/@import, script/link/img/iframe/object/embed/base elements).
 */

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

/** Elements whose content is raw text (their `<` are not tags). */
const RAW = new Set(["style", "script"]);

/** Problems with the markup's structure; empty when well-formed. */
export function wellFormedProblems(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let s = html.replace(/^<!DOCTYPE html>/i, "").replace(/<!--[\s\S]*?-->/g, "");
  for (const raw of RAW) {
    s = s.replace(new RegExp(`(<${raw}\\b[^>]*>)[\\s\\S]*?(</${raw}>)`, "gi"), "$1$2");
  }
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/y;
  for (let i = 0; i < s.length;) {
    const lt = s.indexOf("<", i);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(s);
    if (!m) {
      problems.push(`unparseable tag or stray "<" at ${lt}: ${s.slice(lt, lt + 60)}`);
      i = lt + 1;
      continue;
    }
    const [, close, nameRaw, , selfClose] = m;
    const name = nameRaw.toLowerCase();
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}> at ${lt}`);
    } else if (!selfClose && !VOID.has(name)) {
      stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(" > ")}`);
  return problems;
}

const FETCHING_ATTRS = [
  "src",
  "href",
  "xlink:href",
  "srcset",
  "action",
  "formaction",
  "poster",
  "data",
  "background",
  "ping",
  "manifest",
];

/** Everything in the markup that would make a browser load something; empty when none. */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (
    const m of html.matchAll(/<(script|link|iframe|img|object|embed|base|frame|audio|video)\b/gi)
  ) {
    found.push(`<${m[1]}> element`);
  }
  for (const m of html.matchAll(/\s([\w:-]+)\s*=\s*"([^"]*)"/g)) {
    const [, attr, value] = m;
    if (FETCHING_ATTRS.includes(attr.toLowerCase()) && !value.startsWith("#")) {
      found.push(`${attr}="${value}"`);
    }
  }
  for (const m of html.matchAll(/url\(\s*['"]?([^'")\s]*)/gi)) {
    if (!m[1].startsWith("#")) found.push(`url(${m[1]})`);
  }
  if (/@import/i.test(html)) found.push("@import");
  return found;
}

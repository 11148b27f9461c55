/** URL-safe base64 without padding (RFC 4648 §5) of a string's UTF-8 bytes. */
export function encodeBase64Url(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

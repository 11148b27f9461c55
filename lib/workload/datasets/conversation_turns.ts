/**
 * A dataset conversation as user turns for sessions (docs/sessions.md): each user turn with
 * the answer the dataset recorded right after it. Roles are read as the item readers read them
 * (ShareGPT `human`/`gpt`, chat `user`/`assistant`); anything else between turns is skipped.
 */
import type { ChatMessage, ConversationTurn } from "./dataset_item.ts";

const HUMAN = new Set(["human", "user"]);
const REPLY = new Set(["gpt", "assistant", "chatgpt", "bard", "bing"]);

/** The user turns of a conversation given as `(role, text)` pairs, in order. */
function turnsOf(entries: readonly { role: string; text: string }[]): ConversationTurn[] {
  const turns: ConversationTurn[] = [];
  for (const [i, e] of entries.entries()) {
    if (!HUMAN.has(e.role) || e.text.length === 0) continue;
    const next = entries[i + 1];
    turns.push(
      next && REPLY.has(next.role) ? { user: e.text, answer: next.text } : { user: e.text },
    );
  }
  return turns;
}

/** The user turns of a ShareGPT `conversations` list (entries already checked by the reader). */
export function shareGptTurns(conversations: unknown[]): ConversationTurn[] {
  const entries = conversations.flatMap((t) => {
    const { from, value } = (t ?? {}) as { from?: unknown; value?: unknown };
    return typeof from === "string" && typeof value === "string"
      ? [{ role: from, text: value }]
      : [];
  });
  return turnsOf(entries);
}

/** The user turns and leading system message of chat `messages`. */
export function messageTurns(
  messages: readonly ChatMessage[],
): { turns: ConversationTurn[]; system?: string } {
  const turns = turnsOf(messages.map((m) => ({ role: m.role, text: m.content })));
  return messages[0]?.role === "system" ? { turns, system: messages[0].content } : { turns };
}

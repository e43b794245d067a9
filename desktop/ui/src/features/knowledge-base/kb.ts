// The knowledge base's pure parts: the editor form (from an entry, checked as the core will check
// it so a person sees what to fix beside the field, and read into the core's KnowledgeInput),
// a refusal placed under the field it is about, the bot's reply as the page states it, and the
// lines the retire and restore confirms list.
import type { ChatReply, KnowledgeEntry, KnowledgeInput } from "$lib/bindings";
import { humanize } from "$lib/format";

/** `property_knowledge_base.category`, in the spec's order (the page uses the list the command
 * returns; this one is for before it has loaded). */
export const CATEGORIES = [
  "parking", "amenities", "maintenance", "policies", "utilities", "neighborhood", "safety", "emergency", "faq",
];

/** The core's limits on an entry. */
export const LIMITS = { question: 500, answer: 5000, keywords: 30, keyword: 60 };

/** What the editor holds, as typed; `id` is null for a new entry. */
export type EntryForm = {
  id: string | null;
  category: string;
  question: string;
  answer: string;
  /** Comma-separated. */
  keywords: string;
  is_active: boolean;
};

export type FormField = "category" | "question" | "answer" | "keywords";
export type FormErrors = Record<FormField, string | null>;

export function emptyForm(category = "faq"): EntryForm {
  return { id: null, category, question: "", answer: "", keywords: "", is_active: true };
}

export function formOf(e: KnowledgeEntry): EntryForm {
  return {
    id: e.id, category: e.category, question: e.question, answer: e.answer, keywords: e.keywords.join(", "),
    is_active: e.is_active,
  };
}

/** "Guest parking, visitor ,, pass" → ["guest parking", "visitor", "pass"]: trimmed, lower-cased, once each. */
export function parseKeywords(text: string): string[] {
  const out: string[] = [];
  for (const k of text.split(",").map((k) => k.trim().toLowerCase())) if (k && !out.includes(k)) out.push(k);
  return out;
}

const chars = (s: string) => [...s].length;

/** Each field's problem, or null: the core's rules, said where the field is. */
export function checkForm(f: EntryForm, categories: string[] = CATEGORIES): FormErrors {
  const keywords = parseKeywords(f.keywords);
  const long = keywords.find((k) => chars(k) > LIMITS.keyword);
  return {
    category: categories.includes(f.category) ? null : `Pick a category: ${categories.map(humanize).join(", ")}.`,
    question: !f.question.trim() ? "Type the question a tenant asks."
      : chars(f.question.trim()) > LIMITS.question ? `A question is at most ${LIMITS.question} characters.` : null,
    answer: !f.answer.trim() ? "Type the answer the bot gives."
      : chars(f.answer.trim()) > LIMITS.answer ? `An answer is at most ${LIMITS.answer.toLocaleString("en-US")} characters.` : null,
    keywords: keywords.length > LIMITS.keywords ? `At most ${LIMITS.keywords} keywords (${keywords.length} now).`
      : long ? `'${long}' is over ${LIMITS.keyword} characters: a keyword is a word or short phrase.` : null,
  };
}

export function hasErrors(e: FormErrors): boolean {
  return Object.values(e).some((v) => v !== null);
}

/** The form as the core's input; `active` overrides its state (retire, restore). */
export function toInput(f: EntryForm, active: boolean = f.is_active): KnowledgeInput {
  return {
    id: f.id, category: f.category, question: f.question.trim(), answer: f.answer.trim(),
    keywords: parseKeywords(f.keywords), is_active: active,
  };
}

/** The field a refusal of the core is about (its words are shown under it), else null. */
export function refusalField(detail: string): FormField | null {
  if (/^category\b/i.test(detail)) return "category";
  if (/keyword/i.test(detail)) return "keywords";
  if (/^answer\b/i.test(detail)) return "answer";
  if (/^question\b|already has the question/i.test(detail)) return "question";
  return null;
}

/** A confidence (0–1) as a percentage: 0.82 → "82%", unknown → "—". */
export function confidenceLabel(c: number | null | undefined): string {
  return c === null || c === undefined || Number.isNaN(c) ? "—" : `${Math.round(c * 100)}%`;
}

/** Where the answer came from, in a sentence. */
export function replySource(r: Pick<ChatReply, "source_question" | "category" | "handoff">): string {
  if (r.source_question) return `From the entry “${r.source_question}” (${humanize(r.category)})`;
  if (r.handoff) return "No entry answers this: the bot hands the question to a person.";
  return "Not from an entry.";
}

/** Who answered: the offline rules or Claude. */
export function providerLabel(provider: string | undefined): string {
  return provider === "claude" ? "Answered by Claude" : "Answered offline from the knowledge base";
}

/** What retiring (or restoring) an entry does, line by line, for the confirm. */
export function activeLines(e: Pick<KnowledgeEntry, "question" | "category">, retire: boolean) {
  return [
    { label: "Entry", value: e.question },
    { label: "Category", value: humanize(e.category) },
    {
      label: "Effect",
      value: retire
        ? "The FAQ bot stops citing it. It stays in the list as retired and can be restored."
        : "The FAQ bot can cite it again.",
    },
  ];
}

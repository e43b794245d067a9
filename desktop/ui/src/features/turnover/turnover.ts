// Pure helpers of the turnover board and case page (unit-tested in turnover.test.ts).

/** Days a unit should take from move-out to the next lease (the core's TARGET_DAYS_TO_LEASE). */
export const TARGET_DAYS = 21;

/** The cards of each stage, in the board's stage order (every stage present, even empty). */
export function columns<T extends { case: { stage: string } }>(
  cards: T[],
  stages: { value: string; label: string }[],
): { value: string; label: string; cards: T[] }[] {
  return stages.map((s) => ({ ...s, cards: cards.filter((c) => c.case.stage === s.value) }));
}

/** "12 / 21 days vacant", the target being the case's own. */
export function vacancyText(days: number, target: number = TARGET_DAYS): string {
  return `${days} / ${target} days vacant`;
}

/** The deduction letter's state in words: null once generated, else due in / overdue by. */
export function letterText(daysLeft: number | null | undefined): string | null {
  if (daysLeft === null || daysLeft === undefined) return null;
  if (daysLeft < 0) return `Letter overdue by ${-daysLeft} day${daysLeft === -1 ? "" : "s"}`;
  if (daysLeft === 0) return "Letter due today";
  return `Letter due in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
}

/** Whether the letter is past its deadline. */
export const letterOverdue = (daysLeft: number | null | undefined): boolean =>
  daysLeft !== null && daysLeft !== undefined && daysLeft < 0;

/** A cost typed in the checklist: empty (the estimate), or dollars and cents, zero or more. */
export function costError(v: string): string | null {
  const clean = v.trim().replace(/^\$/, "").replace(/,/g, "");
  if (clean === "") return null;
  return /^\d+(\.\d{1,2})?$/.test(clean) ? null : "Dollars and cents, e.g. 250.00";
}

/** The typed amount as the backend reads it ("$1,250" → "1250"). */
export const cleanAmount = (v: string): string => v.trim().replace(/^\$/, "").replace(/,/g, "");

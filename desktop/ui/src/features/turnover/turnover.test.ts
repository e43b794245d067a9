import { describe, expect, it } from "vitest";
import { cleanAmount, columns, costError, letterOverdue, letterText, vacancyText } from "./turnover";

const stages = [
  { value: "notice", label: "Notice Given" },
  { value: "inspect", label: "Pre-Inspection" },
  { value: "leased", label: "Leased" },
];

describe("turnover helpers", () => {
  it("groups cards by stage in order, empty stages included", () => {
    const cards = [{ id: 1, case: { stage: "leased" } }, { id: 2, case: { stage: "notice" } }, { id: 3, case: { stage: "notice" } }];
    const cols = columns(cards, stages);
    expect(cols.map((c) => [c.value, c.cards.map((x) => x.id)])).toEqual([["notice", [2, 3]], ["inspect", []], ["leased", [1]]]);
  });

  it("words the vacancy and the letter deadline", () => {
    expect(vacancyText(25)).toBe("25 / 21 days vacant");
    expect(letterText(null)).toBeNull();
    expect(letterText(-1)).toBe("Letter overdue by 1 day");
    expect(letterText(-3)).toBe("Letter overdue by 3 days");
    expect(letterText(0)).toBe("Letter due today");
    expect(letterText(12)).toBe("Letter due in 12 days");
    expect([letterOverdue(-1), letterOverdue(0), letterOverdue(null)]).toEqual([true, false, false]);
  });

  it("checks a checklist cost", () => {
    expect(costError("")).toBeNull();
    expect(costError("$1,250.50")).toBeNull();
    expect(costError("0")).toBeNull();
    expect(costError("-5")).toBe("Dollars and cents, e.g. 250.00");
    expect(costError("12.345")).toBe("Dollars and cents, e.g. 250.00");
    expect(cleanAmount(" $1,250.00 ")).toBe("1250.00");
  });
});

// Display formatting shared by every view. Pure functions, no runes: unit-tested in format.test.ts.

const LOCALE = "en-US";
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

// ICU puts a narrow no-break space before AM/PM; plain spaces keep copied text and tests simple.
const plainSpaces = (s: string): string => s.replace(/[\u202f\u00a0]/g, " ");

const dateFmt = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/**
 * "2026-12-03" → "Dec 3, 2026". A date-only string is a calendar date (a due date, a lease
 * start): it is formatted in UTC so no local time zone can move it to the day before.
 * Anything else is returned unchanged rather than blanked.
 */
export function formatDate(date: string | null | undefined): string {
  if (!date) return "";
  const m = DATE_ONLY.exec(date);
  if (!m) return date;
  return dateFmt.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/**
 * An instant in the property's IANA zone: "Dec 3, 2026, 10:52 AM PST". Without a zone, or with
 * one the runtime does not know, the system zone is used.
 */
export function formatDateTime(iso: string | null | undefined, timeZone?: string | null): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = {
    month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short",
  };
  try {
    return plainSpaces(new Intl.DateTimeFormat(LOCALE, { ...opts, timeZone: timeZone ?? undefined }).format(at));
  } catch {
    return plainSpaces(new Intl.DateTimeFormat(LOCALE, opts).format(at));
  }
}

const MONEY = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * The backend's decimal string as dollars: "1234.5" → "$1,234.50", "-12" → "-$12.00".
 * Works on the digits (never through a float), rounding half away from zero past the cents.
 * Input that is not a decimal is returned unchanged.
 */
export function formatMoney(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return "";
  const m = MONEY.exec(amount.trim());
  if (!m || (m[2] === "" && !m[3])) return amount;
  const negative = m[1] === "-";
  const frac = m[3] ?? "";
  let cents = BigInt((m[2] || "0") + frac.padEnd(2, "0").slice(0, 2));
  if (frac.length > 2 && Number(frac[2]) >= 5) cents += 1n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const rest = (cents % 100n).toString().padStart(2, "0");
  return `${negative && cents !== 0n ? "-" : ""}$${whole}.${rest}`;
}

// Words whose usual spelling is not just "spaces for underscores".
const LABELS: Record<string, string> = {
  month_to_month: "Month-to-month",
  move_in: "Move-in",
  move_out: "Move-out",
};

/** An enum value as a label: "payment_plan" → "Payment plan", "month_to_month" → "Month-to-month". */
export function humanize(value: string | null | undefined): string {
  if (!value) return "";
  const known = LABELS[value];
  if (known) return known;
  const words = value.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A number that is already a percentage: pct(12.345) → "12.3%", pct(4, { signed: true }) → "+4.0%". */
export function pct(n: number, opts: { digits?: number; signed?: boolean } = {}): string {
  const s = n.toFixed(opts.digits ?? 1);
  return `${opts.signed && n >= 0 ? "+" : ""}${s}%`;
}

/** The share of `part` in `total` as a percentage number (0 when the total is 0), for bar widths. */
export function share(part: number, total: number): number {
  return total > 0 ? (100 * part) / total : 0;
}

/** plural(1, "case") → "1 case", plural(3, "case") → "3 cases", plural(2, "entry", "entries"). */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n.toLocaleString(LOCALE)} ${n === 1 ? one : many}`;
}

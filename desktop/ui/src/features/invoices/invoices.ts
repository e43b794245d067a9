// The invoice review's pure parts: the editable fields, what was read for each, the corrections
// a person made (only the changed fields are sent), and the page's scale.
import type { ApproveCorrections, FieldSource, InvoiceAiExtraction } from "$lib/bindings";

export type FieldKey = "vendor_name" | "invoice_number" | "invoice_date" | "due_date" | "subtotal" | "tax" | "total" | "gl_code";
export type Kind = "text" | "date" | "money";

export type FieldDef = {
  key: FieldKey;
  label: string;
  kind: Kind;
  /** The `field_sources` entry that says where it was read (none for the GL code). */
  source: string | null;
};

export const FIELDS: FieldDef[] = [
  { key: "vendor_name", label: "Vendor", kind: "text", source: "vendor_name" },
  { key: "invoice_number", label: "Invoice number", kind: "text", source: "invoice_number" },
  { key: "invoice_date", label: "Invoice date", kind: "date", source: "invoice_date" },
  { key: "due_date", label: "Due date", kind: "date", source: "due_date" },
  { key: "subtotal", label: "Subtotal", kind: "money", source: "subtotal" },
  { key: "tax", label: "Tax", kind: "money", source: "tax" },
  { key: "total", label: "Total", kind: "money", source: "total" },
  { key: "gl_code", label: "GL code", kind: "text", source: null },
];

export type Values = Record<FieldKey, string>;

/** What was read off the invoice (and the suggested GL code), as the form shows it. */
export function readValues(x: InvoiceAiExtraction): Values {
  return {
    vendor_name: x.extracted_vendor_name ?? "",
    invoice_number: x.extracted_invoice_number ?? "",
    invoice_date: x.extracted_date ?? "",
    due_date: x.extracted_due_date ?? "",
    subtotal: x.extracted_subtotal ?? "",
    tax: x.extracted_tax ?? "",
    total: x.extracted_total ?? "",
    gl_code: x.suggested_gl_code ?? "",
  };
}

/** A money entry as a decimal string ("$1,234.5" → "1234.50"), or null when it is not one. */
export function moneyValue(text: string): string | null {
  const t = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!/^-?\d+(\.\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ""] = t.split(".");
  return `${whole}.${frac.padEnd(2, "0")}`;
}

function same(kind: Kind, a: string, b: string): boolean {
  if (kind === "money") {
    const x = moneyValue(a);
    const y = moneyValue(b);
    if (x !== null && y !== null) return Number(x) === Number(y);
  }
  return a.trim() === b.trim();
}

export type Change = { key: FieldKey; label: string; from: string; to: string };

/** The fields the person changed, in form order. */
export function changes(read: Values, edited: Values): Change[] {
  return FIELDS.filter((f) => !same(f.kind, read[f.key], edited[f.key])).map((f) => ({
    key: f.key,
    label: f.label,
    from: read[f.key].trim(),
    to: edited[f.key].trim(),
  }));
}

/** The corrections to send (only the changed fields), or the sentence saying what to fix. */
export function corrections(list: Change[], workOrderId: string | null): ApproveCorrections | string {
  const out: ApproveCorrections = {
    vendor_name: null, vendor_id: null, invoice_number: null, invoice_date: null, due_date: null, subtotal: null, tax: null,
    total: null, line_items: null, work_order_id: workOrderId, gl_code: null, not_a_duplicate: false,
  };
  for (const c of list) {
    const def = FIELDS.find((f) => f.key === c.key)!;
    if (!c.to) return `${def.label} cannot be left empty once it was read: enter it or put back "${c.from}".`;
    if (def.kind === "money") {
      const v = moneyValue(c.to);
      if (v === null) return `${def.label} "${c.to}" is not an amount (e.g. 1234.50).`;
      out[c.key as "subtotal" | "tax" | "total"] = v;
    } else if (def.kind === "date") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(c.to)) return `${def.label} "${c.to}" is not a date (YYYY-MM-DD).`;
      out[c.key as "invoice_date" | "due_date"] = c.to;
    } else {
      out[c.key as "vendor_name" | "invoice_number" | "gl_code"] = c.to;
    }
  }
  return out;
}

/** The typed field sources of an extraction (the JSON object keyed by field name). */
export function sources(x: InvoiceAiExtraction): Record<string, FieldSource> {
  const v = x.field_sources as unknown;
  return v && typeof v === "object" ? (v as Record<string, FieldSource>) : {};
}

/** A confidence (0..1) as a percentage, or "—". */
export function confidenceText(c: number | null | undefined): string {
  return c === null || c === undefined ? "—" : `${Math.round(c * 100)}%`;
}

/** The price check in words. */
export function priceText(x: InvoiceAiExtraction): string {
  if (x.price_anomaly_details) return x.price_anomaly_details;
  const pc = (x.raw_response as { price_check?: { details?: string } } | null)?.price_check;
  if (pc?.details) return pc.details;
  return x.price_validated ? "Within the usual range." : "Not compared: too few earlier invoices to compare with.";
}

/** The page's scale to draw it `width` pixels wide. */
export function scaleFor(pageWidth: number, width: number): number {
  return pageWidth > 0 ? width / pageWidth : 1;
}

/** A float from the backend (f32/f64 may come as null for NaN) as a number. */
export function num(v: number | null | undefined): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

export type Rect = { left: number; top: number; width: number; height: number };

/** A box in PDF points (from the page's top-left) in pixels at `scale`, grown by `pad` on each side. */
export function rect(b: { x: number | null; y: number | null; width: number | null; height: number | null }, scale: number, pad = 0): Rect {
  return {
    left: num(b.x) * scale - pad,
    top: num(b.y) * scale - pad,
    width: num(b.width) * scale + 2 * pad,
    height: num(b.height) * scale + 2 * pad,
  };
}

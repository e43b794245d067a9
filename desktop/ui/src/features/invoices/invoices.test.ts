import { describe, expect, it } from "vitest";
import type { InvoiceAiExtraction } from "$lib/bindings";
import { changes, confidenceText, corrections, moneyValue, priceText, readValues, scaleFor, sources } from "./invoices";

const x = {
  extracted_vendor_name: "Ace Plumbing", extracted_invoice_number: "", extracted_date: "2026-11-20", extracted_due_date: null,
  extracted_subtotal: "150.00", extracted_tax: "12.38", extracted_total: "162.38", suggested_gl_code: "6100",
  price_anomaly_details: "", price_validated: false, raw_response: {},
  field_sources: { total: { provider: "offline", confidence: 0.9, location: { page: 1, x: 400, y: 600, width: 60, height: 12 }, raw: "$162.38", via: "label 'Total'" } },
} as unknown as InvoiceAiExtraction;

describe("the review's corrections", () => {
  it("are only the fields the person changed, old → new", () => {
    const read = readValues(x);
    expect(read.due_date).toBe("");
    expect(changes(read, { ...read })).toEqual([]);
    const edited = { ...read, invoice_number: " INV-7 ", total: "$162.380".slice(0, 7) };
    expect(changes(read, edited)).toEqual([{ key: "invoice_number", label: "Invoice number", from: "", to: "INV-7" }]);
    const c = corrections(changes(read, edited), null);
    expect(typeof c).toBe("object");
    if (typeof c === "object") {
      expect(c.invoice_number).toBe("INV-7");
      expect([c.vendor_name, c.total, c.invoice_date, c.gl_code, c.work_order_id]).toEqual([null, null, null, null, null]);
    }
  });

  it("send amounts as decimal strings and refuse what is not one", () => {
    const read = readValues(x);
    const c = corrections(changes(read, { ...read, total: "1,162.5" }), "wo-1");
    expect(typeof c === "object" && [c.total, c.work_order_id]).toEqual(["1162.50", "wo-1"]);
    expect(corrections(changes(read, { ...read, tax: "twelve" }), null)).toBe('Tax "twelve" is not an amount (e.g. 1234.50).');
    expect(corrections(changes(read, { ...read, vendor_name: "" }), null)).toMatch(/^Vendor cannot be left empty/);
    expect(moneyValue("$12")).toBe("12.00");
    expect(moneyValue("12.345")).toBeNull();
  });
});

describe("the review's figures", () => {
  it("read the field sources, confidences, the price check and the page scale", () => {
    expect(sources(x).total?.location?.x).toBe(400);
    expect(confidenceText(0.876)).toBe("88%");
    expect(confidenceText(null)).toBe("—");
    expect(priceText(x)).toMatch(/^Not compared/);
    expect(priceText({ ...x, price_anomaly_details: "40% above the average" })).toBe("40% above the average");
    expect(scaleFor(612, 560)).toBeCloseTo(0.915, 3);
  });
});

// The listing editor's pure parts: the photo order (moved by drag, by Alt+↑/↓ or by the
// buttons), the form checked as the core checks it (so a mistake shows beside its field before
// saving), the edit the core receives, and the lines of the publish and delist confirms.
import type { ListingPage, ListingPhotoView, PhotoEdit, PlatformOption, VacantUnit } from "$lib/bindings";

/** `list` with the item at `from` moved to `to` (both clamped to the list); a new array. */
export function reorder<T>(list: readonly T[], from: number, to: number): T[] {
  const out = list.slice();
  if (out.length === 0 || from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item!);
  return out;
}

/** `list` with the item at `i` moved one place up (-1) or down (+1); unchanged at either end. */
export function moveBy<T>(list: readonly T[], i: number, delta: -1 | 1): T[] {
  const to = i + delta;
  if (to < 0 || to >= list.length) return list.slice();
  return reorder(list, i, to);
}

/** One photo of the form: the listing's photo and the caption being typed. */
export type PhotoForm = { url: string; sha256: string | null; caption: string; virtually_staged: boolean };

export type ListingForm = { title: string; description: string; photos: PhotoForm[] };

export type FormErrors = { title: string | null; description: string | null; captions: (string | null)[] };

export function formOf(page: ListingPage): ListingForm {
  return {
    title: page.detail.title,
    description: page.detail.description,
    photos: page.photos.map((p: ListingPhotoView) => ({ ...p, caption: p.caption })),
  };
}

function textError(label: string, value: string, max: number): string | null {
  const v = value.trim();
  if (v.includes("\0")) return `${label} must not contain a NUL character.`;
  if (!v) return `${label} is required.`;
  const n = [...v].length;
  return n > max ? `${label} is at most ${max} characters; this is ${n}.` : null;
}

/** The form's mistakes, against the page's limits (the core checks the same). */
export function checkForm(f: ListingForm, limits: Pick<ListingPage, "max_title" | "max_description" | "max_caption">): FormErrors {
  return {
    title: textError("Title", f.title, limits.max_title),
    description: textError("Description", f.description, limits.max_description),
    captions: f.photos.map((p) => {
      if (p.caption.includes("\0")) return "A caption must not contain a NUL character.";
      return [...p.caption.trim()].length > limits.max_caption ? `A caption is at most ${limits.max_caption} characters.` : null;
    }),
  };
}

export function hasErrors(e: FormErrors): boolean {
  return !!(e.title || e.description || e.captions.some(Boolean));
}

/** The photos as the core's edit takes them: each of the listing's own, in the new order. */
export function toEdits(f: ListingForm): PhotoEdit[] {
  return f.photos.map((p) => ({ url: p.url, caption: p.caption.trim() }));
}

/** Whether the form differs from the page as stored. */
export function isDirty(f: ListingForm, page: ListingPage): boolean {
  const stored = formOf(page);
  return (
    f.title.trim() !== stored.title.trim() ||
    f.description.trim() !== stored.description.trim() ||
    JSON.stringify(toEdits(f)) !== JSON.stringify(toEdits(stored))
  );
}

/** A platform's name (`apartments_com` → `Apartments.com`), from the options the backend gave. */
export function platformName(value: string, options: PlatformOption[]): string {
  return options.find((o) => o.value === value)?.label ?? value;
}

/** "Zillow, Zumper and HotPads". */
export function platformList(values: string[], options: PlatformOption[]): string {
  const names = values.map((v) => platformName(v, options));
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Days on market as the list shows it: "—" for a draft. */
export function domText(status: string, days: number): string {
  return status === "draft" ? "—" : `${days} d`;
}

/** A vacant unit as the new-listing dialog offers it: "Maple Court · 2B". */
export function unitLabel(u: Pick<VacantUnit, "property_name" | "unit_number">): string {
  return `${u.property_name} · ${u.unit_number}`;
}

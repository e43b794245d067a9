// Keyboard shortcuts as data: views register what they handle, one window listener
// (App.svelte → handleKey) dispatches, and the `?` overlay (KeyHelp) lists the same table, so
// the help can never drift from the keys that work.
import { untrack } from "svelte";

export type Shortcut = {
  /** "n", "/", "?", "Alt+3", "Shift+N", "Escape", or a two-key sequence "g d". */
  key: string;
  /** What it does, for the help overlay. */
  label: string;
  /** The group heading in the help ("Navigation", "Collections", "Table"). */
  group: string;
  /** Omitted for keys handled locally (e.g. ↑/↓ in a focused table): listed in help only. */
  run?: (e: KeyboardEvent) => void;
  /** Still runs while typing in a field (Escape-like keys). */
  inFields?: boolean;
};

export const shortcuts: Shortcut[] = $state([]);

/** The help overlay's state, toggled by `?`. */
export const keyHelp = $state({ open: false });

/** Adds shortcuts; returns the function that removes them. */
export function register(...list: Shortcut[]): () => void {
  shortcuts.push(...list);
  return () => {
    for (const s of list) {
      // $state proxies the objects, so compare by content rather than identity.
      const i = shortcuts.findIndex((x) => x.key === s.key && x.group === s.group && x.label === s.label);
      if (i >= 0) shortcuts.splice(i, 1);
    }
  };
}

/** Call during a component's initialisation: the shortcuts live as long as the component. */
export function useShortcuts(...list: Shortcut[]): void {
  // untrack: register() reads the array it writes (push reads length), which would make the
  // effect depend on its own write and loop.
  $effect(() => untrack(() => register(...list)));
}

/** The chord of one key event in the notation of Shortcut.key. */
export function chord(e: KeyboardEvent): string {
  const mods = [e.ctrlKey && "Ctrl", e.altKey && "Alt", e.metaKey && "Meta"].filter(Boolean);
  let key = e.key;
  // Alt+digit gives other characters on some layouts; e.code is the physical key.
  if (e.altKey && /^Digit\d$/.test(e.code)) key = e.code.slice(5);
  // Shift is part of printable characters already ("?", "N"); name it only for letters.
  if (e.shiftKey && /^[A-Z]$/.test(key)) mods.push("Shift");
  return [...mods, key].join("+");
}

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

let prefix: string | null = null;
let prefixTimer: ReturnType<typeof setTimeout> | undefined;

/** The window keydown handler. */
export function handleKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return;
  // A modal dialog owns the keyboard (it handles Escape itself).
  if (document.querySelector("dialog[open]")) return;
  const inField = typing(e);
  const c = chord(e);
  const candidates = shortcuts.filter((s) => s.run && (!inField || s.inFields));
  if (prefix) {
    const seq = `${prefix} ${c}`;
    prefix = null;
    clearTimeout(prefixTimer);
    const hit = candidates.find((s) => s.key === seq);
    if (hit) {
      e.preventDefault();
      hit.run!(e);
      return;
    }
  }
  const hit = candidates.find((s) => s.key === c);
  if (hit) {
    e.preventDefault();
    hit.run!(e);
    return;
  }
  if (!inField && candidates.some((s) => s.key.startsWith(`${c} `))) {
    prefix = c;
    prefixTimer = setTimeout(() => (prefix = null), 1500);
  }
}

/** A key as shown in the help: "g d" → ["g", "d"], "Alt+3" → ["Alt+3"]. */
export function keyParts(key: string): string[] {
  return key.split(" ");
}

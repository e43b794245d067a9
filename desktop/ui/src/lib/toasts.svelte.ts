// The toast queue: a module-level rune store so any code (ipc.ts included) can report without
// holding a component reference. <Toasts/> in App.svelte renders it.

export type Toast = { id: number; text: string; error: boolean };

export const toasts: Toast[] = $state([]);

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** Shows a message; errors stay longer because they usually need reading. Returns its id. */
export function toast(text: string, opts: { error?: boolean; timeout?: number } = {}): number {
  const error = opts.error ?? false;
  const id = nextId++;
  toasts.push({ id, text, error });
  // Keep the stack short: an error storm must not cover the window.
  while (toasts.length > 4) dismiss(toasts[0]!.id);
  const timeout = opts.timeout ?? (error ? 10_000 : 5_000);
  if (timeout > 0) timers.set(id, setTimeout(() => dismiss(id), timeout));
  return id;
}

export function dismiss(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

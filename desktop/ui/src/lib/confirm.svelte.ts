// `await confirm({...})` from any view: one <ConfirmHost/> in App.svelte shows the request.
// Destructive or bulk actions go through it and say exactly what will happen.
import type { Snippet } from "svelte";

export type ConfirmRequest = {
  title: string;
  /** What will happen / be sent: a sentence, or a snippet showing the exact payload. */
  body: string | Snippet;
  confirmLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
};

type Pending = ConfirmRequest & { resolve: (ok: boolean) => void };

export const pendingConfirm = $state<{ current: Pending | null }>({ current: null });

/** Resolves true when confirmed, false on Cancel or Escape. */
export function confirm(req: ConfirmRequest): Promise<boolean> {
  // A second request while one is open cancels the first rather than stacking dialogs.
  pendingConfirm.current?.resolve(false);
  return new Promise((resolve) => {
    pendingConfirm.current = { ...req, resolve };
  });
}

export function settleConfirm(ok: boolean): void {
  const p = pendingConfirm.current;
  pendingConfirm.current = null;
  p?.resolve(ok);
}

// Hash router: `#/collections/42?tab=letters` → route.path ["collections", "42"], route.query
// { tab: "letters" }. The hash keeps working under Tauri's custom scheme (no server to rewrite
// paths), and every go() is a history entry, so Back/Forward (and Alt+←/→) just work.

export type Route = { path: string[]; query: Record<string, string> };

export function parse(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const q = body.indexOf("?");
  const pathPart = q >= 0 ? body.slice(0, q) : body;
  const queryPart = q >= 0 ? body.slice(q + 1) : "";
  const path = pathPart.split("/").filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { path, query: Object.fromEntries(new URLSearchParams(queryPart)) };
}

/** Builds an href from segments (each percent-encoded) and an optional query. */
export function href(segments: (string | number)[], query?: Record<string, string>): string {
  const path = segments.map((s) => encodeURIComponent(String(s))).join("/");
  const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : "";
  return `#/${path}${qs}`;
}

const hasWindow = typeof window !== "undefined";

/** The current route; views read it ($derived) and never write it. */
export const route: Route = $state(parse(hasWindow ? window.location.hash : ""));

function sync(): void {
  const next = parse(window.location.hash);
  route.path = next.path;
  route.query = next.query;
}

if (hasWindow) window.addEventListener("hashchange", sync);

/** Navigates with a new history entry. Accepts "#/a/b", "/a/b" or "a/b". */
export function go(to: string): void {
  const hash = to.startsWith("#") ? to : `#/${to.replace(/^\//, "")}`;
  if (window.location.hash === hash) return;
  window.location.hash = hash; // fires hashchange → sync()
}

/** Changes the URL without a history entry (e.g. a filter kept in the query). */
export function replace(to: string): void {
  const hash = to.startsWith("#") ? to : `#/${to.replace(/^\//, "")}`;
  history.replaceState(history.state, "", hash);
  sync();
}

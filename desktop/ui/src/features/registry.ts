// Every view of the app, in sidebar order. A feature adds one entry here and its component
// under features/<id>/; the sidebar, the routes, the keyboard jumps and the key help all read
// this list. Components are imported lazily so each view is its own chunk.
import type { Component } from "svelte";

export type Group = "Portfolio" | "Leasing" | "Collections" | "Inspections" | "System";

export type Feature = {
  /** Also the first path segment (#/<path>) and the nav link id (nav-<id>). */
  id: string;
  label: string;
  group: Group;
  path: string;
  component: () => Promise<{ default: Component }>;
  /** The letter after `g` (g then d → Dashboard). Alt+1…9 follow the list order. */
  shortcut?: string;
};

export const GROUPS: Group[] = ["Portfolio", "Leasing", "Collections", "Inspections", "System"];

export const features: Feature[] = [
  { id: "dashboard", label: "Dashboard", group: "Portfolio", path: "dashboard", shortcut: "d",
    component: () => import("./dashboard/View.svelte") },
  { id: "command-center", label: "Command center", group: "Portfolio", path: "command-center", shortcut: "m",
    component: () => import("./command-center/View.svelte") },
  { id: "pricing", label: "Revenue intelligence", group: "Portfolio", path: "pricing", shortcut: "v",
    component: () => import("./pricing/View.svelte") },
  { id: "maintenance", label: "Maintenance", group: "Portfolio", path: "maintenance", shortcut: "w",
    component: () => import("./maintenance/View.svelte") },
  { id: "vendors", label: "Vendors", group: "Portfolio", path: "vendors", shortcut: "y",
    component: () => import("./vendors/View.svelte") },
  { id: "invoices", label: "Invoices", group: "Portfolio", path: "invoices", shortcut: "b",
    component: () => import("./invoices/View.svelte") },
  { id: "records", label: "Records", group: "Portfolio", path: "records", shortcut: "r",
    component: () => import("./records/View.svelte") },
  { id: "import", label: "Import", group: "Portfolio", path: "import", shortcut: "i",
    component: () => import("./import/View.svelte") },
  { id: "chat", label: "Ask the portfolio", group: "Portfolio", path: "chat", shortcut: "k",
    component: () => import("./chat/View.svelte") },
  { id: "leases", label: "Leases", group: "Leasing", path: "leases", shortcut: "l",
    component: () => import("./leases/View.svelte") },
  { id: "renewals", label: "Renewals", group: "Leasing", path: "renewals", shortcut: "n",
    component: () => import("./renewals/View.svelte") },
  { id: "abstractions", label: "Lease abstraction", group: "Leasing", path: "abstractions", shortcut: "a",
    component: () => import("./abstractions/View.svelte") },
  { id: "turnover", label: "Turnover", group: "Leasing", path: "turnover", shortcut: "t",
    component: () => import("./turnover/View.svelte") },
  { id: "move-out", label: "Move-out inspections", group: "Leasing", path: "move-out", shortcut: "o",
    component: () => import("./move-out/View.svelte") },
  { id: "screening", label: "Applications", group: "Leasing", path: "screening", shortcut: "q",
    component: () => import("./screening/View.svelte") },
  { id: "lease-builder", label: "Lease builder", group: "Leasing", path: "lease-builder", shortcut: "e",
    component: () => import("./lease-builder/View.svelte") },
  { id: "knowledge-base", label: "Knowledge base", group: "Leasing", path: "knowledge-base", shortcut: "f",
    component: () => import("./knowledge-base/View.svelte") },
  { id: "listings", label: "Listings", group: "Leasing", path: "listings", shortcut: "u",
    component: () => import("./listings/View.svelte") },
  { id: "staging", label: "Virtual staging", group: "Leasing", path: "staging", shortcut: "h",
    component: () => import("./staging/View.svelte") },
  { id: "collections", label: "Collections", group: "Collections", path: "collections", shortcut: "c",
    component: () => import("./collections/View.svelte") },
  { id: "inspections", label: "Move-in inspections", group: "Inspections", path: "inspections", shortcut: "p",
    component: () => import("./inspections/View.svelte") },
  { id: "settings", label: "Settings", group: "System", path: "settings", shortcut: "s",
    component: () => import("./settings/View.svelte") },
];

export const DEFAULT_FEATURE = features[0]!;

/** The feature owning a route path (its first segment), or undefined. */
export function featureFor(path: string[]): Feature | undefined {
  return features.find((f) => f.path === path[0]);
}

// The replica's facts shown in the sidebar (AI provider, replica path, queued photos). Views
// that change them (photo import, analysis) call refreshAppInfo() so the sidebar stays true.
import { commands, type AppInfo } from "./bindings";
import { call } from "./ipc";

export const appInfo = $state<{ current: AppInfo | null }>({ current: null });

export async function refreshAppInfo(): Promise<AppInfo | null> {
  try {
    appInfo.current = await call(commands.appInfo());
  } catch {
    // Already toasted by call(); the sidebar keeps the last known values.
  }
  return appInfo.current;
}

// The installed app's update cycle as UI state: the service worker reports a new build waiting (`available`); the
// user's "Reload" lets it take over and reloads the page. Nothing updates behind the user's back mid-work.
import { registerSW } from 'virtual:pwa-register';

export const appUpdate = $state({ available: false, offlineReady: false });

let update: ((reload?: boolean) => Promise<void>) | undefined;

/** Registers the service worker (production builds; the dev server has none). */
export function watchForUpdates(): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({
    onNeedRefresh: () => (appUpdate.available = true),
    onOfflineReady: () => (appUpdate.offlineReady = true),
    onRegisterError: (error: unknown) => console.warn('service worker not registered; the app works online only', error),
  });
}

export function reloadToUpdate(): Promise<void> {
  return update ? update(true) : Promise.resolve(location.reload());
}

// Small user preferences that are not part of the pool (and never leave the browser): the local LLM endpoint.
const KEY = 'insight-pool:prefs';

export interface Prefs {
  /** OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1. Empty: off. */
  endpointUrl: string;
  endpointModel: string;
}

const DEFAULTS: Prefs = { endpointUrl: '', endpointModel: '' };

export function loadPrefs(): Prefs {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) ?? '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export function savePrefs(prefs: Prefs): void {
  localStorage.setItem(KEY, JSON.stringify(prefs));
}

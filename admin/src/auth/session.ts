// The signed-in API client's key and secret, kept in session storage (gone when the tab closes; never in a URL or a
// log). Storage is passed in so the logic is testable without a browser.

export interface Credentials {
  key: string;
  secret: string;
}

/** What of the Web Storage API this needs (sessionStorage in the app, a Map in unit tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const STORAGE_KEY = 'persona-admin.credentials';

export function readCredentials(storage: Pick<KeyValueStorage, 'getItem'>): Credentials | null {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Credentials> | null;
    return parsed && typeof parsed.key === 'string' && typeof parsed.secret === 'string'
      ? { key: parsed.key, secret: parsed.secret }
      : null;
  } catch {
    return null;
  }
}

export function saveCredentials(storage: Pick<KeyValueStorage, 'setItem'>, credentials: Credentials): void {
  storage.setItem(STORAGE_KEY, JSON.stringify({ key: credentials.key.trim(), secret: credentials.secret.trim() }));
}

export function clearCredentials(storage: Pick<KeyValueStorage, 'removeItem'>): void {
  storage.removeItem(STORAGE_KEY);
}

/** Bearer `key.secret` (the service also takes Basic; Bearer keeps browsers from offering their own login prompt). */
export function authorizationOf({ key, secret }: Credentials): string {
  return `Bearer ${key.trim()}.${secret.trim()}`;
}

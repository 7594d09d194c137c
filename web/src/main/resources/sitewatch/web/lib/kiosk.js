// Credentials that arrive in the address bar (kiosk and wall URLs) move to storage at once and
// leave the address bar, so they are not shown, bookmarked or sent on as a referrer.

/**
 * Moves the named query parameters into storage and strips the whole query from the address bar.
 * @param {Storage} storage
 * @param {Record<string, string>} keys query parameter -> storage key
 * @returns {boolean} whether the URL carried any of them
 */
export function takeFromUrl(storage, keys) {
  const params = new URLSearchParams(location.search);
  let found = false;
  for (const [param, key] of Object.entries(keys)) {
    const value = params.get(param);
    if (value !== null) {
      storage.setItem(key, value);
      found = true;
    }
  }
  if (location.search) history.replaceState(null, '', location.pathname + location.hash);
  return found;
}

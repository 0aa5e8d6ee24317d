/**
 * "Preview as this role" (issue #17): the designer opens the runtime UI with
 * `?previewRole=<role>`; the runtime keeps the role for its tab (sessionStorage, so the
 * designer's own tab is untouched) and the API client sends it as
 * `X-Metacrm-Preview-Role` on every call. The server honours it only for metadata
 * administrators, acts as exactly that role and refuses every write.
 */
export const PREVIEW_ROLE_HEADER = 'X-Metacrm-Preview-Role';
export const PREVIEW_ROLE_PARAM = 'previewRole';
const STORAGE_KEY = 'metacrm.previewRole';
const ROLE_KEY = /^[a-z][a-z0-9_]{0,63}$/;

/** The role this tab previews, taken from the page's `?previewRole=` (then dropped from the address) or kept from before. */
export function readPreviewRole(): string | undefined {
  const url = new URL(window.location.href);
  const asked = url.searchParams.get(PREVIEW_ROLE_PARAM);
  if (asked !== null && ROLE_KEY.test(asked)) {
    window.sessionStorage.setItem(STORAGE_KEY, asked);
    url.searchParams.delete(PREVIEW_ROLE_PARAM);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
  return window.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Ends this tab's preview; the caller reloads so nothing fetched as the role stays on screen. */
export function clearPreviewRole(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}

const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

/** A designer path with the app's base: `href('/publish')` is `/designer/publish`. */
export const href = (path: string) => `${BASE}${path}`;

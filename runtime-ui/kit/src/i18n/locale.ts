/** The languages both apps speak. Adding one means adding a catalog to every `defineMessages` call. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Shared by both apps (same origin), so a choice made in one holds in the other. */
export const LOCALE_STORAGE_KEY = 'metacrm.locale';

/** Each language's name in that language, as the switcher shows it. */
export const LOCALE_LABELS: Record<Locale, { short: string; long: string }> = {
  en: { short: 'EN', long: 'English' },
  'zh-CN': { short: '中文', long: '简体中文' },
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The locale to start with: the one the user chose before (localStorage), else the
 * browser's language (any `zh*` counts as simplified Chinese), else English.
 */
export function detectLocale(): Locale {
  const stored = readStoredLocale();
  if (stored) return stored;
  const language = typeof navigator === 'undefined' ? '' : navigator.language;
  return language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function readStoredLocale(): Locale | undefined {
  try {
    const value = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    // Storage can be disabled (privacy modes); the choice then lasts for the page only.
    return undefined;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // See readStoredLocale.
  }
}

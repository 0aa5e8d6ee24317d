/** The languages a metadata text is written in: the app's locales (kit/i18n/locale.ts; not imported, so this file needs no DOM). */
export type TextLocale = 'en' | 'zh-CN';

/** A label in the user's language, falling back to the other one when an admin left it empty. */
export function label(text: { en: string; 'zh-CN': string } | undefined, locale: TextLocale, fallback = ''): string {
  if (!text) return fallback;
  return (locale === 'zh-CN' ? text['zh-CN'] || text.en : text.en || text['zh-CN']) || fallback;
}

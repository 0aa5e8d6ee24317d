import type { Locale } from '@metacrm/ui-kit';

/** A label in both languages, as every metadata item has. */
export type I18nText = { 'zh-CN': string; en: string };

/** The label in the user's language, else the other one, else the key. */
export function labelOf(label: Partial<I18nText> | undefined, locale: Locale, fallback: string): string {
  return label?.[locale] || label?.[locale === 'en' ? 'zh-CN' : 'en'] || fallback;
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { detectLocale, isLocale, LOCALE_STORAGE_KEY, storeLocale, type Locale } from './locale';

/** Values substituted for `{name}` placeholders in a message. */
export type MessageVars = Record<string, string | number>;

/** A message catalog per locale, every locale holding exactly the keys of the English one. */
export type MessageSet<K extends string> = { readonly [L in Locale]: Readonly<Record<K, string>> };

export type Translate<K extends string> = (key: K, vars?: MessageVars) => string;

/**
 * Declares a module's messages. The English catalog fixes the keys; the compiler then
 * rejects a Chinese catalog that misses or adds one.
 */
export function defineMessages<const E extends Record<string, string>>(
  en: E,
  zhCN: Readonly<Record<keyof E & string, string>>,
): MessageSet<keyof E & string> {
  return { en, 'zh-CN': zhCN };
}

interface LocaleContextValue {
  locale: Locale;
  setLocale: (locale: Locale) => void;
}

const LocaleContext = createContext<LocaleContextValue | null>(null);

/**
 * Holds the current locale for everything below it, remembers the user's choice, keeps
 * `<html lang>` in step (screen readers and CJK font selection read it) and follows a
 * change made in another tab.
 */
export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale ?? detectLocale());

  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    setLocaleState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === LOCALE_STORAGE_KEY && isLocale(event.newValue)) setLocaleState(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

/** The current locale and a setter that also remembers the choice. */
export function useLocale(): LocaleContextValue {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useLocale() needs an <I18nProvider> above it');
  return value;
}

/**
 * A translator over one module's messages: `const t = useT(messages); t('key', {n: 1})`.
 * A key missing in the current locale falls back to English, then to the key itself.
 */
export function useT<K extends string>(messages: MessageSet<K>): Translate<K> {
  const { locale } = useLocale();
  return useCallback(
    (key: K, vars?: MessageVars) => interpolate(messages[locale][key] ?? messages.en[key] ?? key, vars),
    [messages, locale],
  );
}

function interpolate(template: string, vars: MessageVars | undefined): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

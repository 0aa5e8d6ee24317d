import { kitMessages } from '../kit.messages';
import { useLocale, useT } from './i18n';
import { LOCALE_LABELS, LOCALES } from './locale';

/**
 * Two toggle buttons, each language named in itself, so a user who cannot read the
 * current language still finds theirs.
 */
export function LanguageSwitcher() {
  const { locale, setLocale } = useLocale();
  const t = useT(kitMessages);
  return (
    <div className="mc-lang" role="group" aria-label={t('language.label')}>
      {LOCALES.map((option) => (
        <button
          key={option}
          type="button"
          className="mc-lang__option"
          lang={option}
          title={LOCALE_LABELS[option].long}
          aria-pressed={option === locale}
          onClick={() => setLocale(option)}
        >
          {LOCALE_LABELS[option].short}
        </button>
      ))}
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/api-client';
import { toApiError, type ApiError } from '../api/api-error';
import { useT } from '../i18n/i18n';
import { useDocumentTitle } from '../shell/shell';
import { authMessages } from './auth.messages';
import { signInErrorText } from './sign-in-page';
import './auth.css';

/**
 * Enrolment in 2FA for an admin whose session is held back until it is on: the setup
 * key to add to an authenticator app, a first code to confirm it, then the recovery
 * codes, shown once.
 */
export function TwoFactorEnrolment({ onDone }: { onDone: () => Promise<void> }) {
  const t = useT(authMessages);
  useDocumentTitle(`${t('enrol.title')} · metacrm`);
  const [secret, setSecret] = useState<string | undefined>();
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  useEffect(() => {
    let ignore = false;
    api.post<{ secret: string }>('/api/auth/2fa/setup').then(
      (answer) => !ignore && setSecret(answer.secret),
      (err: unknown) => !ignore && setError(toApiError(err)),
    );
    return () => {
      ignore = true;
    };
  }, []);

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    api
      .post<{ recoveryCodes: string[] }>('/api/auth/2fa/confirm', { code: code.replace(/\s+/g, '') })
      .then(
        (answer) => setRecoveryCodes(answer.recoveryCodes),
        (err: unknown) => setError(toApiError(err)),
      )
      .finally(() => setBusy(false));
  };

  if (recoveryCodes) {
    return (
      <section className="mc-auth" aria-labelledby="enrol-title" data-testid="recovery-codes">
        <div className="mc-card mc-auth__card">
          <h1 className="mc-auth__title" id="enrol-title">
            {t('enrol.codesTitle')}
          </h1>
          <p className="mc-auth__subtitle">{t('enrol.codesSubtitle')}</p>
          <ol className="mc-auth__codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code className="mc-code">{c}</code>
              </li>
            ))}
          </ol>
          <button className="mc-button mc-button--primary mc-auth__submit" type="button" onClick={() => void onDone()}>
            {t('enrol.continue')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="mc-auth" aria-labelledby="enrol-title" data-testid="two-factor-enrolment">
      <form className="mc-card mc-auth__card" onSubmit={confirm} noValidate>
        <h1 className="mc-auth__title" id="enrol-title">
          {t('enrol.title')}
        </h1>
        <p className="mc-auth__subtitle">{t('enrol.subtitle')}</p>
        {error && (
          <p className="mc-auth__error" role="alert" data-testid="sign-in-error" data-code={error.code}>
            {signInErrorText(t, error)}
          </p>
        )}
        <div className="mc-field">
          <span className="mc-field__label">{t('enrol.key')}</span>
          <code className="mc-code mc-auth__secret" data-testid="totp-secret">
            {secret?.replace(/(.{4})/g, '$1 ').trim() ?? '…'}
          </code>
        </div>
        <label className="mc-field">
          <span className="mc-field__label">{t('signIn.code')}</span>
          <input
            className="mc-input mc-input--code"
            name="code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="one-time-code"
            inputMode="numeric"
            required
          />
        </label>
        <button className="mc-button mc-button--primary mc-auth__submit" type="submit" disabled={busy || !secret || code.trim() === ''}>
          {t('enrol.confirm')}
        </button>
      </form>
    </section>
  );
}

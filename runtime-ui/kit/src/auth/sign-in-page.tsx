import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client';
import { toApiError, type ApiError } from '../api/api-error';
import { useT, type Translate } from '../i18n/i18n';
import { useDocumentTitle } from '../shell/shell';
import { authMessages } from './auth.messages';
import './auth.css';

interface LoginAnswer {
  twoFactorRequired?: boolean;
  challenge?: string;
}

type AuthKey = Parameters<Translate<keyof (typeof authMessages)['en']>>[0];

/** The message for a failed sign-in step: a translated one for the codes users meet, else the server's. */
export function signInErrorText(t: Translate<AuthKey>, error: ApiError): string {
  switch (error.code) {
    case 'AUTH_INVALID_CREDENTIALS':
    case 'TWO_FACTOR_INVALID':
    case 'AUTH_CHALLENGE_INVALID':
      return t(`error.${error.code}`);
    case 'LOGIN_THROTTLED': {
      const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
      return t('error.LOGIN_THROTTLED', { seconds });
    }
    case 'BAD_REQUEST':
      return t('error.REQUIRED');
    default:
      return error.message;
  }
}

/**
 * Email and password, then, when the account uses 2FA, a code from the authenticator
 * app or a recovery code. The server sets the session cookie; `onSignedIn` then
 * reloads who is signed in.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const t = useT(authMessages);
  useDocumentTitle(`${t('signIn.title')} · metacrm`);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<string | undefined>();
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await step();
    } catch (err) {
      const failure = toApiError(err);
      if (failure.code === 'AUTH_CHALLENGE_INVALID') {
        setChallenge(undefined);
        setCode('');
      }
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const answer = await api.post<LoginAnswer>('/api/auth/login', { email, password });
      if (answer.twoFactorRequired && answer.challenge) {
        setChallenge(answer.challenge);
        setPassword('');
        return;
      }
      await onSignedIn();
    });
  };

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post(
        '/api/auth/login/2fa',
        useRecovery ? { challenge, recoveryCode: code } : { challenge, code: code.replace(/\s+/g, '') },
      );
      await onSignedIn();
    });
  };

  const alert = error && (
    <p className="mc-auth__error" role="alert" data-testid="sign-in-error" data-code={error.code}>
      {signInErrorText(t, error)}
    </p>
  );

  if (challenge) {
    return (
      <section className="mc-auth" aria-labelledby="sign-in-title" data-testid="two-factor-step">
        <form className="mc-card mc-auth__card" onSubmit={submitCode} noValidate>
          <h1 className="mc-auth__title" id="sign-in-title">
            {t('signIn.codeTitle')}
          </h1>
          <p className="mc-auth__subtitle">{useRecovery ? t('signIn.recoverySubtitle') : t('signIn.codeSubtitle')}</p>
          {alert}
          <label className="mc-field">
            <span className="mc-field__label">{useRecovery ? t('signIn.recoveryCode') : t('signIn.code')}</span>
            <input
              className="mc-input mc-input--code"
              name="code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="one-time-code"
              inputMode={useRecovery ? 'text' : 'numeric'}
              autoFocus
              required
            />
          </label>
          <button className="mc-button mc-button--primary mc-auth__submit" type="submit" disabled={busy || code.trim() === ''}>
            {busy ? t('signIn.working') : t('signIn.verify')}
          </button>
          <div className="mc-auth__links">
            <button
              type="button"
              className="mc-link-button"
              onClick={() => (setUseRecovery(!useRecovery), setCode(''), setError(undefined))}
            >
              {useRecovery ? t('signIn.useCode') : t('signIn.useRecovery')}
            </button>
            <button type="button" className="mc-link-button" onClick={() => (setChallenge(undefined), setCode(''), setError(undefined))}>
              {t('signIn.back')}
            </button>
          </div>
        </form>
      </section>
    );
  }

  return (
    <section className="mc-auth" aria-labelledby="sign-in-title" data-testid="sign-in-page">
      <form className="mc-card mc-auth__card" onSubmit={submitPassword} noValidate>
        <h1 className="mc-auth__title" id="sign-in-title">
          {t('signIn.title')}
        </h1>
        <p className="mc-auth__subtitle">{t('signIn.subtitle')}</p>
        {alert}
        <label className="mc-field">
          <span className="mc-field__label">{t('signIn.email')}</span>
          <input
            className="mc-input"
            type="email"
            name="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="username"
            autoFocus
            required
          />
        </label>
        <label className="mc-field">
          <span className="mc-field__label">{t('signIn.password')}</span>
          <input
            className="mc-input"
            type="password"
            name="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <button className="mc-button mc-button--primary mc-auth__submit" type="submit" disabled={busy}>
          {busy ? t('signIn.working') : t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}

import { isClientErrorCode, type ApiError } from '../api/api-error';
import { useT } from '../i18n/i18n';
import { kitMessages } from '../kit.messages';
import './states.css';

export interface ErrorStateProps {
  /** What failed, in the user's words: "Could not load the system status". */
  title: string;
  error: ApiError;
  onRetry?: () => void;
  /** A slim banner, for when older data stays visible below it. */
  compact?: boolean;
}

/**
 * A failure with what a user or operator needs to act on it: the error code, the
 * server's message (or a translated one for network failures) and the request id to
 * quote when reporting it.
 */
export function ErrorState({ title, error, onRetry, compact = false }: ErrorStateProps) {
  const t = useT(kitMessages);
  const message = isClientErrorCode(error.code) ? t(`error.${error.code}`) : error.message;
  return (
    <div className={`mc-error${compact ? ' mc-error--compact' : ''}`} role="alert" data-testid="error-state">
      <div className="mc-error__icon" aria-hidden="true">
        !
      </div>
      <div className="mc-error__body">
        <p className="mc-error__title">{title}</p>
        <p className="mc-error__message">
          <code className="mc-code" data-testid="error-code">
            {error.code}
          </code>{' '}
          <span data-testid="error-message">{message}</span>
        </p>
        {error.requestId && (
          <p className="mc-error__meta">
            {t('state.requestId')}: <code className="mc-code mc-code--plain">{error.requestId}</code>
          </p>
        )}
      </div>
      {onRetry && (
        <button type="button" className="mc-button" onClick={onRetry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

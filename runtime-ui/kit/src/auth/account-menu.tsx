import { useT } from '../i18n/i18n';
import { authMessages } from './auth.messages';
import { useSession } from './session';
import './auth.css';

function SignOutIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M6 2.5H3.5v11H6M10.5 5l3 3-3 3M13.5 8H6.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** The signed-in user's name and a sign-out button, in the top bar; nothing when signed out. */
export function AccountMenu() {
  const t = useT(authMessages);
  const session = useSession();
  if (session?.state.status !== 'signed-in') return null;
  const { user } = session.state.me;
  return (
    <div className="mc-account" data-testid="account-menu">
      <span className="mc-account__name" title={t('account.signedInAs', { name: user.email })} data-testid="account-name">
        {user.name}
      </span>
      <button
        type="button"
        className="mc-account__sign-out"
        onClick={() => void session.signOut()}
        title={t('account.signOut')}
        data-testid="sign-out"
      >
        <SignOutIcon />
        <span className="mc-account__sign-out-label">{t('account.signOut')}</span>
      </button>
    </div>
  );
}

import { useT } from '../i18n/i18n';
import { authMessages } from './auth.messages';
import { useSession } from './session';
import './auth.css';

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
      <button type="button" className="mc-button" onClick={() => void session.signOut()} data-testid="sign-out">
        {t('account.signOut')}
      </button>
    </div>
  );
}

import type { ReactNode } from 'react';
import { ErrorState } from '../states/error-state';
import { LoadingRegion, SkeletonCard } from '../states/skeleton';
import { useT } from '../i18n/i18n';
import { authMessages } from './auth.messages';
import { useSession } from './session';
import { SignInPage } from './sign-in-page';
import { TwoFactorEnrolment } from './two-factor-enrolment';

/**
 * Shows its children only to a signed-in user: the sign-in page otherwise, and 2FA
 * enrolment first for an admin who must use it. Needs a SessionProvider above it.
 */
export function SignedIn({ children }: { children: ReactNode }) {
  const t = useT(authMessages);
  const session = useSession();
  if (!session) throw new Error('SignedIn needs a SessionProvider above it');
  const { state, refresh } = session;
  switch (state.status) {
    case 'checking':
      return (
        <LoadingRegion className="mc-auth">
          <SkeletonCard lines={3} />
        </LoadingRegion>
      );
    case 'signed-out':
      return <SignInPage onSignedIn={refresh} />;
    case 'error':
      return <ErrorState title={t('signIn.checking')} error={state.error} onRetry={() => void refresh()} />;
    case 'signed-in':
      return state.me.twoFactorSetupRequired ? <TwoFactorEnrolment onDone={refresh} /> : <>{children}</>;
  }
}

import type { CSSProperties, ReactNode } from 'react';
import { useT } from '../i18n/i18n';
import { kitMessages } from '../kit.messages';
import './states.css';

/** A shimmering placeholder block, sized like the content it stands in for. */
export function Skeleton({ width = '100%', height = '1em', style }: { width?: string; height?: string; style?: CSSProperties }) {
  return <span className="mc-skeleton" style={{ width, height, ...style }} aria-hidden="true" />;
}

/** A card-shaped placeholder: a short heading line and `lines` body lines. */
export function SkeletonCard({ lines = 2, className = '' }: { lines?: number; className?: string }) {
  return (
    <div className={`mc-card mc-skeleton-card ${className}`} aria-hidden="true">
      <Skeleton width="40%" height="0.9rem" />
      {Array.from({ length: lines }, (_, i) => (
        <Skeleton key={i} width={i === 0 ? '70%' : '90%'} height={i === 0 ? '1.6rem' : '0.9rem'} />
      ))}
    </div>
  );
}

/**
 * Wraps the skeletons of a region that is loading: marks it busy and tells screen
 * readers, which skip the decorative blocks, what is going on.
 */
export function LoadingRegion({ children, className = '' }: { children: ReactNode; className?: string }) {
  const t = useT(kitMessages);
  return (
    <div className={className} aria-busy="true" data-testid="loading">
      <span className="mc-visually-hidden" role="status">
        {t('state.loading')}
      </span>
      {children}
    </div>
  );
}

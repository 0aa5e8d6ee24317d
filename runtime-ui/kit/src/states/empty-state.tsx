import type { ReactNode } from 'react';
import './states.css';

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  /** A real next step, if there is one; never a button for a feature that does not exist. */
  action?: ReactNode;
  icon?: ReactNode;
}

/** What a region shows when there is nothing in it yet, and why. */
export function EmptyState({ title, description, action, icon }: EmptyStateProps) {
  return (
    <div className="mc-empty" data-testid="empty-state">
      <div className="mc-empty__icon" aria-hidden="true">
        {icon ?? <BoxIcon />}
      </div>
      <h3 className="mc-empty__title">{title}</h3>
      {description && <p className="mc-empty__description">{description}</p>}
      {action && <div className="mc-empty__action">{action}</div>}
    </div>
  );
}

function BoxIcon() {
  return (
    <svg width="40" height="40" viewBox="0 0 40 40" fill="none">
      <path d="M6 13 20 6l14 7-14 7L6 13Z" fill="currentColor" opacity=".18" />
      <path
        d="M6 13 20 6l14 7M6 13v14l14 7M6 13l14 7m14-7v14l-14 7m14-21-14 7m0 0v14"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
    </svg>
  );
}

import { useDirectoryUser } from './user-directory';

export interface UserNameProps {
  id: string;
  /** A name the record already carries (an expanded value), shown until the directory answers. */
  fallback?: string | undefined;
  /** Without the initials' circle (a compact place, a text-only label). */
  plain?: boolean;
}

/**
 * A user by name, with their initials in a circle: what a user field shows in a cell, a
 * card, a column header or the record page. The name comes from the user directory
 * (batched per page, cached); until it arrives, the end of the id stands in.
 */
export function UserName({ id, fallback, plain }: UserNameProps) {
  const user = useDirectoryUser(id);
  const name = user.data?.name ?? fallback ?? `#${id.slice(-6)}`;
  const inactive = user.data?.active === false;
  return (
    <span className={`mc-user${inactive ? ' mc-user--inactive' : ''}`} title={user.data?.email ?? name} data-testid="user-name">
      {!plain && (
        <span className="mc-user__avatar" aria-hidden="true">
          {user.data?.initials ?? '·'}
        </span>
      )}
      <span className="mc-user__name">{name}</span>
    </span>
  );
}

import { Select } from 'antd';
import { useState } from 'react';
import { useDirectorySearch, useDirectoryUser } from './user-directory';

export interface UserPickerProps {
  id?: string;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  disabled?: boolean;
  ariaLabel?: string;
  invalid?: boolean;
}

/**
 * Picks an active user by name from the user directory, which every signed-in user may
 * read (`GET /api/directory/users`; user admins also see emails and search by them).
 * The current value keeps its name even when the user is no longer active.
 */
export function UserPicker({ id, value, onChange, disabled, ariaLabel, invalid }: UserPickerProps) {
  const [q, setQ] = useState('');
  const found = useDirectorySearch(q);
  const current = useDirectoryUser(value);
  const users = [...(current.data ? [current.data] : []), ...(found.data ?? []).filter((u) => u.id !== value)];
  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      loading={found.isFetching}
      value={value}
      options={users.map((u) => ({ value: u.id, label: u.email ? `${u.name} <${u.email}>` : u.name }))}
      disabled={disabled}
      status={invalid ? 'error' : undefined}
      style={{ width: '100%' }}
      onChange={(v: string | undefined) => onChange(v ?? undefined)}
    />
  );
}

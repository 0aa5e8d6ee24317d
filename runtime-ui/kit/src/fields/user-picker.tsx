import { useQuery } from '@tanstack/react-query';
import { Input, Select } from 'antd';
import { useState } from 'react';
import { api } from '../api/api-client';

interface UserRow {
  id: string;
  name: string;
  email: string;
}

export interface UserPickerProps {
  id?: string;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  disabled?: boolean;
  ariaLabel?: string;
  invalid?: boolean;
}

/**
 * Picks an active user by name or email from the user directory. The directory needs
 * the users admin right; without it the user's id is typed (the server checks it).
 */
export function UserPicker({ id, value, onChange, disabled, ariaLabel, invalid }: UserPickerProps) {
  const [q, setQ] = useState('');
  const users = useQuery({
    queryKey: ['users', q],
    retry: false,
    queryFn: async ({ signal }) => await api.get<{ users: UserRow[] }>(`/api/users?limit=20${q ? `&q=${encodeURIComponent(q)}` : ''}`, { signal }),
  });
  if (users.isError) {
    return <Input id={id} aria-label={ariaLabel} value={value ?? ''} disabled={disabled} status={invalid ? 'error' : undefined} onChange={(e) => onChange(e.target.value || undefined)} />;
  }
  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      loading={users.isFetching}
      value={value}
      options={(users.data?.users ?? []).map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
      disabled={disabled}
      status={invalid ? 'error' : undefined}
      style={{ width: '100%' }}
      onChange={(v: string | undefined) => onChange(v ?? undefined)}
    />
  );
}

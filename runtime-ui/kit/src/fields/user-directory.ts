import { useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../api/api-client';

/** A colleague as the directory shows them (`GET /api/directory/users`); the email only for user admins. */
export interface DirectoryUser {
  id: string;
  name: string;
  initials: string;
  active: boolean;
  email?: string;
}

/** The server's limit of ids a lookup. */
const MAX_IDS = 200;
const DIRECTORY = '/api/directory/users';

// Every user cell on a page asks for its own user; the asks made in one turn of the
// event loop go out as one request (a page of 50 rows with three user columns is one
// call, not 150), and react-query keeps each answer per id.
type Waiter = { resolve: (user: DirectoryUser | null) => void; reject: (err: unknown) => void };
const waiting = new Map<string, Waiter[]>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const batch = [...waiting.entries()];
  waiting.clear();
  for (let i = 0; i < batch.length; i += MAX_IDS) {
    const part = batch.slice(i, i + MAX_IDS);
    api.get<{ users: DirectoryUser[] }>(`${DIRECTORY}?ids=${part.map(([id]) => encodeURIComponent(id)).join(',')}`).then(
      ({ users }) => {
        const byId = new Map(users.map((u) => [u.id, u]));
        for (const [id, waiters] of part) waiters.forEach((w) => w.resolve(byId.get(id) ?? null));
      },
      (err: unknown) => part.forEach(([, waiters]) => waiters.forEach((w) => w.reject(err))),
    );
  }
}

/** One user by id, through the batch of this turn; null when the directory has no such user. */
export function loadDirectoryUser(id: string): Promise<DirectoryUser | null> {
  return new Promise((resolve, reject) => {
    const list = waiting.get(id) ?? [];
    list.push({ resolve, reject });
    waiting.set(id, list);
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 0);
    }
  });
}

/** The query key of one user's directory entry. */
export const directoryUserKey = (id: string) => ['directory-user', id] as const;

/** A user's name and initials, batched with the page's other users and cached for five minutes. */
export function useDirectoryUser(id: string | undefined) {
  return useQuery({
    queryKey: directoryUserKey(id ?? ''),
    enabled: typeof id === 'string' && id !== '',
    queryFn: async () => await loadDirectoryUser(id!),
    staleTime: 5 * 60_000,
  });
}

/** Several users at once (a board's columns), through the same batch and cache as useDirectoryUser. */
export function useDirectoryUsers(ids: readonly string[]): Map<string, DirectoryUser> {
  const answers = useQueries({
    queries: ids.map((id) => ({ queryKey: directoryUserKey(id), queryFn: async () => await loadDirectoryUser(id), staleTime: 5 * 60_000 })),
  });
  const users = new Map<string, DirectoryUser>();
  answers.forEach((a) => a.data && users.set(a.data.id, a.data));
  return users;
}

/** Active users whose name contains `q`, for a picker. */
export function useDirectorySearch(q: string) {
  return useQuery({
    queryKey: ['directory-search', q],
    queryFn: async ({ signal }) =>
      (await api.get<{ users: DirectoryUser[] }>(`${DIRECTORY}?limit=20${q ? `&q=${encodeURIComponent(q)}` : ''}`, { signal })).users,
    staleTime: 60_000,
  });
}

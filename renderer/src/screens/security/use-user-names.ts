import { useEffect, useState } from 'react';
import type { UserSummary } from '../../../../shared/contract/users';
import { api } from '../../api/client';
import { call, useCan } from '../../state/session';

/**
 * Accounts by id, for roles that may list them (users.manage). Alerts and incidents name users by
 * id only; a role without the directory sees the ids.
 */
export function useUsers(): UserSummary[] | null {
  const canList = useCan('users.manage');
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  useEffect(() => {
    if (!canList) return;
    call(api.users.list({})).then(
      (r) => setUsers(r.users),
      () => setUsers(null),
    );
  }, [canList]);
  return users;
}

export function userLabel(users: UserSummary[] | null, id: string): string {
  const u = users?.find((x) => x.id === id);
  return u ? `${u.displayName} (${u.username})` : `user ${id}`;
}

/**
 * Who is acting: passed explicitly into every service call, recorded on everything
 * written. Users and API tokens become actors when sign-in lands; the system actor
 * covers work the platform does itself (seeding, migrations, scheduled jobs).
 */
export interface Actor {
  kind: 'user' | 'token' | 'system';
  id: string;
  name: string;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system', id: 'system', name: 'metacrm' });

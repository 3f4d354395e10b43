/**
 * The catalog as the auth package reads it: the directory's principals and role assignments,
 * the schedulers' IP allowlists, the token-signing keys, and the users who sign in. Auth declares what it needs
 * (auth/directory.ts, auth/gate.ts, auth/signing-keys.ts); the control plane, which owns the
 * catalog, provides it, so auth never imports the store.
 */
import type { Principal } from '../auth/decide.ts';
import type { DirectorySource } from '../auth/directory.ts';
import type { AllowlistSource } from '../auth/gate.ts';
import type { SignInUser } from '../auth/sign-in.ts';
import type { SigningKeyData, SigningKeyStore } from '../auth/signing-keys.ts';
import type { CatalogStore } from '../store/catalog.ts';
import { PRINCIPALS_LIST_MAX, type AppData, type AssignmentData, type IdentityData, type UserData } from './principal-resources.ts';
import type { SchedulerData } from './resources.ts';
import { PRINCIPAL_NAME } from './user-handlers.ts';

export function directorySource(catalog: CatalogStore): DirectorySource {
  return async () => {
    const principals: Principal[] = [];
    for (const user of await catalog.list<UserData>('user', [], PRINCIPALS_LIST_MAX)) {
      principals.push({ id: user.data.principalId, kind: 'user', name: user.path[0] as string });
    }
    for (const identity of await catalog.list<IdentityData>('identity', [], PRINCIPALS_LIST_MAX)) {
      principals.push({ id: identity.data.principalId, kind: 'userAssignedIdentity', name: identity.path[2] as string });
    }
    for (const app of await catalog.list<AppData>('app', [], PRINCIPALS_LIST_MAX)) {
      const system = app.data.systemAssigned;
      if (system !== undefined) principals.push({ id: system.principalId, kind: 'systemAssignedIdentity', name: app.path[2] as string });
    }
    const assignments = (await catalog.list<AssignmentData>('roleAssignment', [], PRINCIPALS_LIST_MAX)).map((e) => e.data);
    return { principals, assignments };
  };
}

export function allowlistSource(catalog: CatalogStore): AllowlistSource {
  return async (path) => (await catalog.get<SchedulerData>('scheduler', path))?.data.ipAllowlist;
}

export function signingKeyStore(catalog: CatalogStore): SigningKeyStore {
  return {
    create: (kid, data) => catalog.create<SigningKeyData>('signingKey', [kid], data),
    list: async (limit) => (await catalog.list<SigningKeyData>('signingKey', [], limit)).map((e) => ({ kid: e.path[0] as string, data: e.data })),
    delete: (kid) => catalog.delete('signingKey', [kid]),
  };
}

/** The user of a sign-in (any case of the name); undefined for an unknown name, or one no user can have (never looked up). */
export function userSource(catalog: CatalogStore): (name: string) => Promise<SignInUser | undefined> {
  return async (name) => {
    const entry = PRINCIPAL_NAME.test(name) ? await catalog.get<UserData>('user', [name]) : undefined;
    return entry === undefined ? undefined : { name: entry.path[0] as string, principalId: entry.data.principalId, passwordHash: entry.data.passwordHash, passwordChangeRequired: entry.data.passwordChangeRequired === true };
  };
}

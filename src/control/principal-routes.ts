/**
 * The routes of users, user-assigned identities, apps and role assignments. Users and the
 * roles they hold are the server's own (checked at the root `/`); identities and apps live in a
 * resource group; a role assignment lives at its scope, so its routes are declared once per
 * kind of scope, and the access each checks is on that scope (role-assignment-handlers.ts).
 */
import type { AppHandlers } from './app-handlers.ts';
import { resourceIdOf, type ControlRoute } from './control-http.ts';
import type { IdentityHandlers } from './identity-handlers.ts';
import { GROUP, SCHEDULER } from './resource-routes.ts';
import type { RoleAssignmentHandlers } from './role-assignment-handlers.ts';
import type { UserHandlers } from './user-handlers.ts';

export interface PrincipalHandlers {
  users: UserHandlers;
  identities: IdentityHandlers;
  apps: AppHandlers;
  assignments: RoleAssignmentHandlers;
}

const IDENTITIES = `${GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
const APP = `${GROUP}/providers/Microsoft.Web/sites/:app`;
const ASSIGNMENTS = '/providers/Microsoft.Authorization/roleAssignments';
/** Where a role assignment can live: the root, a subscription, a resource group, a scheduler, a task hub, an identity, an app. */
const SCOPES = ['', '/subscriptions/:sub', GROUP, SCHEDULER, `${SCHEDULER}/taskHubs/:hub`, `${IDENTITIES}/:identity`, APP];

export function principalRoutes({ users, identities, apps, assignments }: PrincipalHandlers): ControlRoute[] {
  const root = () => '/';
  return [
    { method: 'GET', path: '/users', resource: root, run: () => users.list() },
    { method: 'GET', path: '/users/:user', resource: root, run: (r) => users.get(r) },
    { method: 'PUT', path: '/users/:user', access: 'control.authorization', resource: root, run: (r) => users.put(r) },
    { method: 'DELETE', path: '/users/:user', access: 'control.authorization', resource: root, run: (r) => users.delete(r) },
    { method: 'GET', path: IDENTITIES, run: (r) => identities.list(r) },
    { method: 'GET', path: `${IDENTITIES}/:identity`, run: (r) => identities.get(r) },
    { method: 'PUT', path: `${IDENTITIES}/:identity`, run: (r) => identities.put(r) },
    { method: 'DELETE', path: `${IDENTITIES}/:identity`, run: (r) => identities.delete(r) },
    { method: 'GET', path: APP, run: (r) => apps.get(r) },
    { method: 'PUT', path: APP, run: (r) => apps.put(r) },
    { method: 'DELETE', path: APP, run: (r) => apps.delete(r) },
    { method: 'POST', path: `${APP}/identity/assign`, run: (r) => apps.assignIdentity(r) },
    { method: 'PATCH', path: `${APP}/config/appsettings`, run: (r) => apps.setSettings(r) },
    { method: 'POST', path: `${APP}/env`, run: (r) => apps.env(r) },
    ...SCOPES.flatMap((scope): ControlRoute[] => {
      const at = (params: Readonly<Record<string, string>>) => resourceIdOf(scope, params) || '/';
      return [
        { method: 'GET', path: `${scope}${ASSIGNMENTS}`, resource: at, run: (r) => assignments.list(r) },
        { method: 'GET', path: `${scope}${ASSIGNMENTS}/:assignment`, resource: at, run: (r) => assignments.get(r) },
        { method: 'PUT', path: `${scope}${ASSIGNMENTS}/:assignment`, access: 'control.authorization', resource: at, run: (r) => assignments.put(r) },
        { method: 'DELETE', path: `${scope}${ASSIGNMENTS}/:assignment`, access: 'control.authorization', resource: at, run: (r) => assignments.delete(r) },
      ];
    }),
  ];
}

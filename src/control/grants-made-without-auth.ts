/**
 * Switching `--auth` on over a catalog that served without it. With auth off anyone can create
 * users, identities and apps and grant any role, Owner at `/` included; trusting those entries
 * once auth is on would hand the server to whoever made them. So a start with `--auth` refuses
 * while any user, identity, app or role assignment was written with auth off (or before entries
 * recorded it: no `madeWithAuth` counts as off) and no operator has confirmed it. Starting once
 * with `--trust-grants-made-without-auth` confirms them: each is logged and marked, and later
 * starts need no flag until something is written with auth off again.
 */
import { findRole } from '../auth/roles.ts';
import { ServerError } from '../domain/errors.ts';
import type { CatalogEntry, CatalogKind, CatalogStore } from '../store/catalog.ts';
import { PRINCIPALS_LIST_MAX, type AssignmentData, type Provenance } from './principal-resources.ts';
import type { Logger } from '../lib/logger.ts';

const KINDS: CatalogKind[] = ['user', 'identity', 'app', 'roleAssignment'];
/** Entries named in the refusal; the rest are counted. */
const NAMED_MAX = 10;

const TRUST_FLAG = '--trust-grants-made-without-auth';

function trusted(data: Provenance): boolean {
  return data.madeWithAuth === true || data.confirmedOn !== undefined;
}

/** Refuses (FAILED_PRECONDITION) or, with `trust`, confirms the entries no one has vouched for. */
export async function checkGrantsMadeWithoutAuth(catalog: CatalogStore, options: { trust: boolean; now: () => number; log: Logger }): Promise<void> {
  const untrusted: CatalogEntry<Provenance>[] = [];
  for (const kind of KINDS) untrusted.push(...(await catalog.list<Provenance>(kind, [], PRINCIPALS_LIST_MAX)).filter((entry) => !trusted(entry.data)));
  if (untrusted.length === 0) return;
  if (!options.trust) {
    const named = untrusted.slice(0, NAMED_MAX).map(describe).join('; ');
    const more = untrusted.length > NAMED_MAX ? `; and ${untrusted.length - NAMED_MAX} more` : '';
    throw new ServerError('FAILED_PRECONDITION',
      `--auth: this database holds ${untrusted.length} ${untrusted.length === 1 ? 'entry' : 'entries'} made while auth was off (or before this version recorded it), ` +
      `when anyone could make them: ${named}${more}. Check them, then start once with ${TRUST_FLAG} to keep them, or start without --auth and delete the ones you do not want.`);
  }
  const confirmedOn = new Date(options.now()).toISOString();
  for (const entry of untrusted) {
    await catalog.update(entry.kind, entry.path, { ...entry.data, confirmedOn });
    options.log.warn(`trusting ${describe(entry)}, made while auth was off (${TRUST_FLAG})`);
  }
}

function describe(entry: CatalogEntry<Provenance>): string {
  if (entry.kind !== 'roleAssignment') return `${entry.kind} '${entry.path.join('/')}'`;
  const data = entry.data as AssignmentData;
  const role = findRole(data.roleDefinitionId)?.name ?? data.roleDefinitionId;
  return `role assignment '${entry.path[0]}' (${role} for '${data.principalName}' at ${data.scope})`;
}

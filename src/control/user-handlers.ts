/**
 * Users: principals who sign in with a name and a password (`/users/{name}`, as `az ad user`).
 * A write applies to this node's next decision at once (the directory is invalidated).
 */
import { randomUUID } from 'node:crypto';
import type { Directory } from '../auth/directory.ts';
import type { Passwords } from '../auth/passwords.ts';
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';
import type { CatalogEntry } from '../store/catalog.ts';
import { bodyObject, ok, type ControlContext, type ControlRequest, type ControlResponse } from './context.ts';
import { PRINCIPALS_LIST_MAX, userJson, type UserData } from './principal-resources.ts';
import { invalid } from './validate-resource.ts';

/** Names of users, identities and apps. */
export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9@._-]{0,127}$/;

/** Users, identities and apps: a letter or digit, then up to 127 letters, digits, '@', '.', '_' and '-'. */
export function validatePrincipalName(name: string, what: string): void {
  if (!PRINCIPAL_NAME.test(name)) throw invalid(`${what} ${quote(name)} is invalid: use 1-128 letters, digits, '@', '.', '_' and '-', starting with a letter or digit`);
}

export function notFound(what: string): ServerError {
  return new ServerError('RESOURCE_NOT_FOUND', `${what} could not be found.`);
}

export class UserHandlers {
  readonly #ctx: ControlContext;
  readonly #directory: Directory;
  readonly #passwords: Passwords;

  constructor(ctx: ControlContext, directory: Directory, passwords: Passwords) {
    this.#ctx = ctx;
    this.#directory = directory;
    this.#passwords = passwords;
  }

  async list(): Promise<ControlResponse> {
    return ok({ value: (await this.#ctx.catalog.list<UserData>('user', [], PRINCIPALS_LIST_MAX)).map(userJson) });
  }

  async get({ params }: ControlRequest): Promise<ControlResponse> {
    return ok(userJson(await this.#user(params['user'] as string)));
  }

  async put({ params, body }: ControlRequest): Promise<ControlResponse> {
    return ok(await this.create(params['user'] as string, bodyObject(body)['password']), undefined, 201);
  }

  async delete({ params }: ControlRequest): Promise<ControlResponse> {
    const user = params['user'] as string;
    if (!(await this.#ctx.catalog.delete('user', [user]))) throw notFound(`User ${quote(user)}`);
    this.#directory.invalidate();
    return { status: 200 };
  }

  /** ALREADY_EXISTS when the name is taken. */
  async create(user: string, password: unknown): Promise<object> {
    validatePrincipalName(user, 'user name');
    if (typeof password !== 'string' || password.length < 8 || password.length > 256) throw invalid('password must be 8-256 characters');
    const data = this.#ctx.stamped<UserData>({ principalId: randomUUID(), passwordHash: await this.#passwords.hash(password), createdAt: new Date(this.#ctx.now()).toISOString() });
    const entry = await this.#ctx.catalog.create<UserData>('user', [user], data);
    this.#directory.invalidate();
    return userJson(entry);
  }

  /** A one-time password for a user (the server's own admin, on the first start with auth): its first sign-in must change it. */
  async setOneTimePassword(user: string, password: string): Promise<void> {
    await this.#setPassword(user, password, true);
  }

  /** The user's own new password, from a sign-in that proved the old one (auth/sign-in.ts). */
  async changePassword(user: string, password: unknown): Promise<void> {
    if (typeof password !== 'string' || password.length < 8 || password.length > 256) throw invalid('newPassword must be 8-256 characters');
    await this.#setPassword(user, password, false);
  }

  async #setPassword(user: string, password: string, oneTime: boolean): Promise<void> {
    const entry = await this.#user(user);
    const { passwordChangeRequired: _, ...data } = entry.data;
    await this.#ctx.catalog.update('user', entry.path, this.#ctx.stamped({ ...data, passwordHash: await this.#passwords.hash(password), ...(oneTime ? { passwordChangeRequired: true } : {}) }));
    this.#directory.invalidate();
  }

  async #user(user: string): Promise<CatalogEntry<UserData>> {
    const entry = await this.#ctx.catalog.get<UserData>('user', [user]);
    if (entry === undefined) throw notFound(`User ${quote(user)}`);
    return entry;
  }
}

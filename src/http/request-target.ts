/**
 * The request target as the routes see it. The path stays percent-encoded until a route takes
 * its parameters, so an encoded '/' (`%2F`) never splits a segment; routing compares it
 * lower-cased, because ARM's literal segments are case-insensitive (`resourcegroups` is
 * `resourceGroups`), while parameters keep their case. Broken percent-encoding anywhere in the
 * path or query, and fragments, are refused here, before any route or handler decodes them.
 */
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';

/** The emulator serves the dashboard API under /api/v1 too; it is the same API. */
const API_ALIAS = /^\/api(?=\/v1(\/|$))/i;

/**
 * The raw path of an absolute request URL (what @hono/node-server builds), with one trailing
 * slash dropped (`/subscriptions/` is `/subscriptions`, `//` stays `//`) and /api/v1 as /v1.
 */
export function requestPath(url: string): string {
  const { path } = split(url);
  const trimmed = path.length > 1 && path.endsWith('/') && !path.endsWith('//') ? path.slice(0, -1) : path;
  return trimmed.replace(API_ALIAS, '');
}

/** The path the router matches: `requestPath`, lower-cased (routes are declared lower-cased). */
export function routingPath(url: string): string {
  return requestPath(url).toLowerCase();
}

/** INVALID_ARGUMENT for a fragment, or percent-encoding that is broken or not UTF-8. */
export function checkRequestTarget(url: string): void {
  const { path, query, fragment } = split(url);
  if (fragment) throw new ServerError('INVALID_ARGUMENT', "the request target must not contain a fragment ('#')");
  if (!decodes(path)) throw new ServerError('INVALID_ARGUMENT', `the request path ${quote(path)} is not valid percent-encoding: every '%' starts two hex digits, and the bytes are UTF-8`);
  if (!decodes(query.replace(/\+/g, ' '))) throw new ServerError('INVALID_ARGUMENT', `the query string ${quote(query)} is not valid percent-encoding: every '%' starts two hex digits, and the bytes are UTF-8`);
}

/** A path segment decoded; the target was checked before, so this cannot fail. */
export function decodeSegment(segment: string): string {
  return segment.includes('%') ? decodeURIComponent(segment) : segment;
}

function decodes(text: string): boolean {
  if (!text.includes('%')) return true;
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function split(url: string): { path: string; query: string; fragment: boolean } {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  if (start < 0) return { path: '/', query: '', fragment: false };
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const mark = url.indexOf('?', start);
  const queryAt = mark < 0 || mark > end ? end : mark;
  return { path: url.slice(start, queryAt), query: url.slice(Math.min(queryAt + 1, end), end), fragment: hash >= 0 };
}

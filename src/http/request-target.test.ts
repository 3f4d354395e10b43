import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRequestTarget, requestPath, routingPath } from './request-target.ts';

const url = (target: string) => `http://127.0.0.1:1${target}`;

it('keeps the path percent-encoded, drops one trailing slash, serves /api/v1 as /v1', () => {
  assert.equal(requestPath(url('/subscriptions/a%2Fb?x=1')), '/subscriptions/a%2Fb');
  assert.equal(requestPath(url('/subscriptions/')), '/subscriptions');
  assert.equal(requestPath(url('//')), '//');
  assert.equal(requestPath(url('/')), '/');
  assert.equal(requestPath(url('/api/v1/taskhubs')), '/v1/taskhubs');
  assert.equal(requestPath(url('/api/v10')), '/api/v10');
  assert.equal(routingPath(url('/Subscriptions/My-Sub/ResourceGroups')), '/subscriptions/my-sub/resourcegroups');
});

it('refuses broken percent-encoding in the path and the query, and fragments', () => {
  for (const target of ['/%', '/%FF', '/subscriptions/%', '/a%2', '/a%zz', '/healthz?x=%', '/healthz?%E0%A4%A', '/a#b']) {
    assert.throws(() => checkRequestTarget(url(target)), { code: 'INVALID_ARGUMENT' }, target);
  }
  for (const target of ['/', '//', '/a%2Fb', '/caf%C3%A9?q=%C3%A9&x=a+b', '/healthz?x']) checkRequestTarget(url(target));
});

it('quotes a long bad path cut short', () => {
  assert.throws(() => checkRequestTarget(url(`/${'a'.repeat(100_000)}%`)), (error: Error) => error.message.length < 300);
});

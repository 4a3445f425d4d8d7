import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DATABASE_REFUSED_DETAIL,
  classifyError,
  clientErrorResponse,
  fieldWithNonFiniteNumber,
  fieldWithNul,
  nonFiniteNumberProblem,
  nulProblem,
} from './error-handling.ts';

describe('the edge every route shares', () => {
  it('finds the field that holds a NUL character, in a value or a name, at any depth', () => {
    assert.equal(fieldWithNul({ a: 'x', description: 'abc\u0000def' }), 'description');
    assert.equal(fieldWithNul({ 'attribute[size]': ['ok', 'b\u0000'] }), 'attribute[size]');
    assert.equal(fieldWithNul({ attribute: { uprn: '\u0000' } }), 'attribute.uprn');
    assert.equal(fieldWithNul({ items: [{ name: '\u0000' }] }), 'items.name');
    assert.equal(fieldWithNul({ 'a\u0000b': 'x' }), 'a\u0000b');
    assert.equal(fieldWithNul({ a: 'x', b: 5, c: null, d: ['y'] }), undefined);
    assert.equal(fieldWithNul(undefined), undefined);
  });

  it('refuses a NUL character with a 400 naming the field as a person can read it', () => {
    const problem = nulProblem({ params: { file: 'ok.json' }, query: {}, body: { 'a\u0000b': 'x' } });
    assert.equal(problem?.status, 400);
    assert.equal(problem?.detail, 'a\\u0000b must not contain the NUL character (\\u0000).');
    assert.deepEqual(problem?.extensions.errors, [
      { field: 'a\\u0000b', message: 'must not contain the NUL character (\\u0000)' },
    ]);
    assert.equal(nulProblem({ body: '\u0000' })?.detail.startsWith('body '), true);
    assert.equal(nulProblem({ params: {}, query: { q: 'fine' } }), undefined);
  });

  it('refuses a number too large to hold, which validation coerces to Infinity, naming the field', () => {
    assert.equal(fieldWithNonFiniteNumber({ lgsl: Number('1e400') }), 'lgsl');
    assert.equal(fieldWithNonFiniteNumber({ items: [{ cost: -Infinity }] }), 'items.cost');
    assert.equal(fieldWithNonFiniteNumber({ n: Number.NaN }), 'n');
    assert.equal(fieldWithNonFiniteNumber({ n: Number.MAX_VALUE, s: '1e400', z: 0 }), undefined);
    const problem = nonFiniteNumberProblem({ params: { key: 'exeter', lgsl: Infinity } });
    assert.equal(problem?.status, 400);
    assert.equal(problem?.detail, 'lgsl is too large a number.');
    assert.equal(nonFiniteNumberProblem({ params: { lgsl: 524 }, query: {}, body: undefined }), undefined);
  });

  it('answers a value the database refused as malformed or out of range with a 400, anything else unknown with a 500', () => {
    for (const code of ['22P02', '22003', '22021', '22001']) {
      const { problem, unexpected } = classifyError(Object.assign(new Error('database'), { code }));
      assert.equal(problem.status, 400);
      assert.equal(problem.detail, DATABASE_REFUSED_DETAIL);
      assert.equal(unexpected, false);
    }
    const other = classifyError(Object.assign(new Error('deadlock'), { code: '40P01' }));
    assert.equal(other.problem.status, 500);
    assert.equal(other.unexpected, true);
  });

  it('answers a request Node could not read with a page, or a problem document for the API and Open311', () => {
    const page = clientErrorResponse('HPE_HEADER_OVERFLOW', Buffer.from('GET /desk?q=xxxxxxxx'));
    assert.match(page, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(page, /Content-Type: text\/html; charset=utf-8\r\n/);
    assert.match(page, /<h1>The web address is too long<\/h1>/);
    const body = page.split('\r\n\r\n')[1]!;
    assert.match(page, new RegExp(`Content-Length: ${Buffer.byteLength(body)}\r\n`));
    for (const path of ['/api/v1/services?q=x', '/open311/v2/requests.json?x']) {
      const api = clientErrorResponse('HPE_HEADER_OVERFLOW', {
        type: 'Buffer',
        data: [...Buffer.from(`GET ${path}`)],
      });
      assert.match(api, /Content-Type: application\/problem\+json/);
      assert.equal(JSON.parse(api.split('\r\n\r\n')[1]!).status, 431);
    }
    assert.match(
      clientErrorResponse('HPE_INVALID_METHOD', undefined),
      /^HTTP\/1\.1 400 Bad Request\r\n.*text\/html/s,
    );
  });
});

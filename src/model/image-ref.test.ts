import { describe, expect, it } from 'vitest';
import { IMAGE_REFERENCE_PATTERN, parseImageRef } from './image-ref.js';

const H64 = `${'a'.repeat(63)}1`;
const H96 = `${'b'.repeat(95)}2`;
const H128 = `${'c'.repeat(127)}3`;

describe('parseImageRef', () => {
  // [reference, registry, repository, tag, digest]
  const valid: Array<[string, string, string, string | undefined, string | undefined]> = [
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', undefined],
    ['index.docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['ghcr.io/acme/web:1.0', 'ghcr.io', 'acme/web', '1.0', undefined],
    ['localhost:5000/web', 'localhost:5000', 'web', undefined, undefined],
    ['localhost/web', 'localhost', 'web', undefined, undefined],
    ['[::1]:5000/web:v1', '[::1]:5000', 'web', 'v1', undefined],
    ['registry.example.com:5000/a/b/c:1', 'registry.example.com:5000', 'a/b/c', '1', undefined],
    [`nginx@sha256:${H64}`, 'docker.io', 'library/nginx', undefined, `sha256:${H64}`],
    [`nginx:1.27@sha256:${H64}`, 'docker.io', 'library/nginx', '1.27', `sha256:${H64}`],
    // go-digest (used by the kubelet, containerd and CRI-O) also knows sha384 and sha512
    [`ghcr.io/acme/web@sha384:${H96}`, 'ghcr.io', 'acme/web', undefined, `sha384:${H96}`],
    [`ghcr.io/acme/web:1@sha512:${H128}`, 'ghcr.io', 'acme/web', '1', `sha512:${H128}`],
    ['a__b/c-d--e/f.g:Tag_1.0-x', 'docker.io', 'a__b/c-d--e/f.g', 'Tag_1.0-x', undefined],
  ];
  it.each(valid)('%s is valid', (text, registry, repository, tag, digest) => {
    const p = parseImageRef(text);
    expect(p).toMatchObject({ ok: true, ref: { registry, repository, tag, digest } });
    expect(new RegExp(IMAGE_REFERENCE_PATTERN).test(text), 'the CEL pattern agrees').toBe(true);
  });

  // [reference, code]
  const invalid: Array<[string, string]> = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['NGINX', 'uppercase'],
    ['ghcr.io/Acme/web', 'uppercase'],
    ['nginx:', 'syntax'],
    ['nginx:-1', 'syntax'],
    [':1.0', 'syntax'],
    ['-nginx', 'syntax'],
    ['ghcr.io/acme/web/', 'syntax'],
    [`nginx:${'x'.repeat(129)}`, 'syntax'],
    // digests: the name is fine, the digest is not
    ['nginx@', 'digest-invalid'],
    ['nginx@sha256:', 'digest-invalid'],
    [`nginx@sha256:${H64.slice(1)}`, 'digest-invalid'], // 63 hex digits
    [`nginx@sha256:${H64}0`, 'digest-invalid'], // 65
    [`nginx@sha256:${H64.toUpperCase()}`, 'digest-invalid'], // uppercase hex
    [`nginx@sha256:${'g'.repeat(64)}`, 'digest-invalid'], // not hex
    [`nginx@SHA256:${H64}`, 'digest-invalid'], // algorithm must be lowercase
    [`nginx@sha512:${H64}`, 'digest-invalid'], // sha512 of sha256's length
    [`nginx@sha512:${H128.slice(2)}`, 'digest-invalid'],
    [`nginx@sha384:${H64}`, 'digest-invalid'],
    [`nginx@sha256:${H64}@sha256:${H64}`, 'digest-invalid'],
    [`nginx@sha256+b64u:${'A'.repeat(43)}`, 'digest-unsupported'], // OCI grammar, not a registered algorithm
    [`nginx@md5:${'d'.repeat(32)}`, 'digest-unsupported'],
    [`nginx@blake3:${'e'.repeat(64)}`, 'digest-unsupported'],
    [`nginx@multihash+base58:${'f'.repeat(46)}`, 'digest-unsupported'],
    [`nginx:1.0@sha1:${'0'.repeat(40)}`, 'digest-unsupported'],
    [`NGINX@sha256:${H64}`, 'uppercase'],
  ];
  it.each(invalid)('%j is invalid (%s)', (text, code) => {
    const p = parseImageRef(text);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.code).toBe(code);
    expect(new RegExp(IMAGE_REFERENCE_PATTERN).test(text), 'the CEL pattern agrees').toBe(false);
  });

  it('names the digest problem in the error', () => {
    const short = parseImageRef(`nginx@sha256:${H64.slice(1)}`);
    expect(short.ok || short.error).toMatch(/64 lowercase hex/);
    const other = parseImageRef(`nginx@md5:${'d'.repeat(32)}`);
    expect(other.ok || other.error).toMatch(/md5/);
  });

  it('never throws on odd input', () => {
    for (const s of ['@', '@@', ':', '/', 'a@b@c', 'a:b:c', '\u0000', 'x'.repeat(5000)])
      expect(() => parseImageRef(s)).not.toThrow();
  });
});

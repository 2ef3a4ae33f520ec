import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../model/image-ref.js';
import { registryMatcher } from './image-registry-not-allowed.js';

function ref(text: string) {
  const p = parseImageRef(text);
  if (!p.ok) throw new Error(p.error);
  return p.ref;
}

describe('registryMatcher', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['ghcr.io'], 'ghcr.io/acme/web:1', true],
    [['ghcr.io'], 'ghcr.io.evil.com/acme/web:1', false],
    [['GHCR.io'], 'ghcr.io/acme/web', true],
    [['registry.example.com:5000'], 'registry.example.com:5000/a/b/c:1', true],
    [['registry.example.com:5000'], 'registry.example.com/a:1', false],
    [['ghcr.io/acme/*'], 'ghcr.io/acme/web:1', true],
    [['ghcr.io/acme/*'], 'ghcr.io/acme/team/web:1', false],
    [['ghcr.io/acme/**'], 'ghcr.io/acme/team/web:1', true],
    [['ghcr.io/acme/*'], 'ghcr.io/acmecorp/web:1', false],
    // a repository entry without glob characters also covers what lies below it
    [['ghcr.io/acme'], 'ghcr.io/acme/team/web', true],
    [['ghcr.io/acme'], 'ghcr.io/acmecorp/web', false],
    // Docker Hub defaults on both sides
    [['docker.io'], 'nginx', true],
    [['index.docker.io'], 'nginx', true],
    [['docker.io/library/*'], 'nginx:1.27', true],
    [['docker.io/library/*'], 'bitnami/redis', false],
    [['nginx'], 'docker.io/library/nginx:1.27', true],
    [['bitnami/*'], 'bitnami/redis:7', true],
    [['*.dkr.ecr.*.amazonaws.com'], '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1', true],
    [['*.dkr.ecr.*.amazonaws.com'], 'dkr.ecr.amazonaws.com.evil.io/x', false],
    [['localhost:5000/*'], 'localhost:5000/web', true],
    // a registry without a port is that host on any port; a port narrows it
    [['ghcr.io'], 'ghcr.io:443/acme/web:1', true],
    [['ghcr.io/acme/*'], 'ghcr.io:443/acme/web:1', true],
    [['*.evil.example'], 'registry.evil.example:443/x', true],
    [['localhost:5000'], 'localhost:5001/web', false],
    [['localhost:5000/*'], 'localhost/web', false],
    [[], 'ghcr.io/acme/web', false],
  ];
  it.each(cases)('%j allows %s: %s', (allow, image, expected) => {
    expect(registryMatcher(allow)(ref(image))).toBe(expected);
  });
});

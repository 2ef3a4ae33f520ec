import { describe, expect, it } from 'vitest';
import { imageMatcher } from './image-glob.js';
import { parseImageRef } from './image-ref.js';

function ref(text: string) {
  const p = parseImageRef(text);
  if (!p.ok) throw new Error(p.error);
  return p.ref;
}

const D = `sha256:${'a'.repeat(64)}`;

describe('imageMatcher with tags', () => {
  const cases: Array<[string[], string, boolean]> = [
    // entries without a tag behave as registries.allow entries
    [['ghcr.io'], 'ghcr.io/acme/web:1', true],
    [['ghcr.io/acme/*'], 'ghcr.io/acme/web:1', true],
    [['ghcr.io/acme'], 'ghcr.io/acme/team/web', true],
    [['ghcr.io/acme'], 'ghcr.io/acmecorp/web', false],
    [['registry.example.com:5000'], 'registry.example.com:5000/a/b:1', true],
    [['localhost:5000'], 'localhost:5000/web:2', true],
    [['[::1]:5000'], '[::1]:5000/web:2', true],
    // a tag glob narrows the entry to matching tags
    [['ghcr.io/acme/web:1.*'], 'ghcr.io/acme/web:1.4', true],
    [['ghcr.io/acme/web:1.*'], 'ghcr.io/acme/web:2.0', false],
    [['ghcr.io/acme/web:1.*'], `ghcr.io/acme/web:1.4@${D}`, true],
    [['ghcr.io/acme/web:1.*'], `ghcr.io/acme/web@${D}`, false],
    [['ghcr.io/acme/web:1.*'], 'ghcr.io/acme/web/sub:1.4', false],
    [['ghcr.io/acme/*:legacy-*'], 'ghcr.io/acme/api:legacy-3', true],
    [['registry.example.com:5000/a/b:1'], 'registry.example.com:5000/a/b:1', true],
    [['registry.example.com:5000/a/b:1'], 'registry.example.com:5000/a/b:2', false],
    // Docker Hub shorthand with a tag, and the implicit latest
    [['nginx:1.14'], 'docker.io/library/nginx:1.14', true],
    [['nginx:1.14'], 'nginx:1.15', false],
    [['redis:7'], 'redis:7', true],
    [['redis:7'], 'redis', false],
    [['redis:latest'], 'redis', true],
    [['bitnami/*:7*'], 'bitnami/redis:7.2', true],
    [['nginx'], 'nginx:1.27', true],
    [[], 'nginx', false],
  ];
  it.each(cases)('%j matches %s: %s', (entries, image, expected) => {
    expect(imageMatcher(entries, { tags: true })(ref(image))).toBe(expected);
  });
});

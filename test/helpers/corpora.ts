/**
 * Where the shared conformance corpora are: `../shared/corpora` beside the
 * clone (their README says what each folder is and where it comes from). A
 * test that needs a corpus skips with a message on a developer's machine
 * without it, but in CI (`CI=true`) a missing corpus fails the run: a green CI
 * must mean the corpus tests ran.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPORA = resolve(process.cwd(), '../shared/corpora');

/**
 * The absolute path of a corpus folder or file and whether it is there.
 *
 * @throws Error in CI when it is missing.
 */
export function corpus(rel: string): { path: string; present: boolean } {
  const path = join(CORPORA, rel);
  const present = existsSync(path);
  if (!present) {
    const why = `${path} is missing: the corpora live in ../shared/corpora beside the clone (README, "Tests")`;
    if (process.env.CI === 'true') throw new Error(why);
    console.warn(`skipping: ${why}`);
  }
  return { path, present };
}

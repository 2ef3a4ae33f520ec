import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Files } from './plan.js';

/** The scanned tree on disk. */
export const diskFiles: Files = {
  isFile: (p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
  isDir: (p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  read: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  list: (p) => {
    try {
      return readdirSync(p).sort();
    } catch {
      return [];
    }
  },
};

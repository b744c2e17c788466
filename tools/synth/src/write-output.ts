import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Replaces a folder with the given files so that a reader sees either the old complete
 * folder or the new complete one: the files are written to a sibling temporary folder,
 * which is then renamed into place.
 */
export function replaceFolderAtomically(target: string, files: ReadonlyMap<string, string>): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${process.pid}.staging-${Date.now()}`);
  const retired = join(parent, `.${process.pid}.retired-${Date.now()}`);
  try {
    for (const [relative, content] of files) {
      const path = join(staging, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    // Another writer may replace the same folder at the same moment (two synths of one
    // stack): retire whatever is there, then claim the name; retry if someone else got it.
    for (let attempt = 0; ; attempt++) {
      try {
        if (existsSync(target)) renameSync(target, `${retired}-${attempt}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      try {
        renameSync(staging, target);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 10) throw error;
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    for (const name of readdirSync(parent)) {
      if (name.startsWith(`.${process.pid}.retired-`)) rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

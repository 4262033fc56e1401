/**
 * Calls `onChange` after files in a folder stop changing for `quietMs`. Editors write a file in
 * several steps (truncate, write, rename a temp file over it) and admins save several files in a
 * row; waiting for a quiet moment turns each burst into one reload instead of one per step.
 */
import { type FSWatcher, watch } from 'node:fs';

export interface FolderWatch {
  close(): void;
}

export function watchFolder(
  dir: string,
  quietMs: number,
  onChange: () => void,
  onError: (error: Error) => void,
): FolderWatch {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, quietMs);
    });
    watcher.on('error', onError);
  } catch (error) {
    onError(error as Error);
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

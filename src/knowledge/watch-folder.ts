/**
 * Calls `onChange` after files in a folder stop changing for `quietMs`. Editors write a file in
 * several steps (truncate, write, rename a temp file over it) and admins save several files in a
 * row; waiting for a quiet moment turns each burst into one reload instead of one per step.
 *
 * The folder itself may be deleted and created again (`git checkout` of the folder,
 * `rm -rf knowledge && cp -r backup knowledge`). An fs.watch watcher follows the folder it was
 * opened on: on Linux, once that folder is deleted it reports a last "rename" and then nothing,
 * with no error, even when a new folder appears at the same path (often with the same inode
 * number). So every quiet moment re-opens the watcher on whatever folder is at the path then, and a
 * cheap poll notices a folder that appears where there was none (or another one) and reloads.
 */
import { type FSWatcher, statSync, watch } from 'node:fs';

export interface FolderWatch {
  close(): void;
}

export interface FolderWatchOptions {
  quietMs: number;
  /** How often to check that the folder at the path is still the one watched. */
  pollMs?: number;
  /** Called after a burst of changes, and when the folder disappears or appears. */
  onChange: () => void;
  onError: (error: Error) => void;
}

export function watchFolder(
  dir: string,
  { quietMs, pollMs = 1_000, onChange, onError }: FolderWatchOptions,
): FolderWatch {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  // The folder watched (device and inode), undefined while there is none at the path.
  let watched: string | undefined;

  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      attach();
      onChange();
    }, quietMs);
  };

  const attach = () => {
    watcher?.close();
    watcher = undefined;
    watched = folderIdentity(dir);
    if (watched === undefined) return; // the reload reports the missing folder; the poll waits for it
    try {
      watcher = watch(dir, { persistent: false }, changed);
      watcher.on('error', (error) => {
        // Not retried for the same folder (the error would repeat at every try): the poll
        // re-attaches once the path holds another folder or none.
        watcher?.close();
        watcher = undefined;
        onError(error);
      });
    } catch (error) {
      onError(error as Error);
    }
  };

  attach();
  const poll = setInterval(() => {
    if (folderIdentity(dir) !== watched) changed();
  }, pollMs);
  poll.unref();

  return {
    close() {
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
      watcher = undefined;
    },
  };
}

/** The folder at `dir` as device and inode, undefined when there is no folder. Sync: one stat a second. */
function folderIdentity(dir: string): string | undefined {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

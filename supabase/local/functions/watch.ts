import { watch } from 'node:fs';

/**
 * Watches the functions folder for `npm run dev` and reports which function a change
 * belongs to: its name for a file under `<name>/`, `undefined` (every function) for what
 * they share (`_shared/`, `deno.json`, `.env`). Changes are gathered for `debounceMs`
 * because one save in an editor is several file-system events.
 *
 * @returns a function that stops watching.
 */
export function watchFunctions(dir: string, onChange: (name: string | undefined) => void, debounceMs = 100): () => void {
  const changed = new Set<string | undefined>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    const names = changed.has(undefined) ? [undefined] : [...changed];
    changed.clear();
    for (const name of names) onChange(name);
  };
  const watcher = watch(dir, { recursive: true }, (_event, filename) => {
    const [first, ...rest] = filename?.split(/[\\/]/) ?? [];
    const ownFolder = first !== undefined && rest.length > 0 && !first.startsWith('_') && !first.startsWith('.');
    changed.add(ownFolder ? first : undefined);
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

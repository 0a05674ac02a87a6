import type { Locale } from '../lib/dataApi.ts';

export type Tree = { [key: string]: string | Tree };

// The core texts, and each feature's in its own pair of files (features/NAME.en.json and
// .ru.json, one top-level key named after the feature), so screens built side by side never
// edit one file. Loaded per language: a phone downloads only the language it shows.
const core: Record<Locale, () => Promise<Tree>> = {
  en: () => import('./en.json').then((m) => m.default),
  ru: () => import('./ru.json').then((m) => m.default),
};
const features = import.meta.glob<Tree>('./features/*.json', { import: 'default' });

/** All texts of the app in one language: the core file plus every feature's. */
export async function loadResources(language: Locale): Promise<Tree> {
  const own = Object.entries(features).filter(([path]) => path.endsWith(`.${language}.json`));
  // Fetched side by side: the first screen waits for all of them.
  const [coreTree, trees] = await Promise.all([core[language](), Promise.all(own.map(async ([path, load]) => [path, await load()] as const))]);
  const merged: Tree = { ...coreTree };
  for (const [path, tree] of trees) {
    for (const [key, value] of Object.entries(tree)) {
      if (key in merged) throw new Error(`${path}: the key "${key}" is already defined`);
      merged[key] = value;
    }
  }
  return merged;
}

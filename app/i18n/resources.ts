import en from './en.json';
import ru from './ru.json';

type Tree = { [key: string]: string | Tree };

// Each feature keeps its texts in its own pair of files (features/NAME.en.json and .ru.json,
// one top-level key named after the feature), so screens built side by side never edit one file.
const features = import.meta.glob<Tree>('./features/*.json', { eager: true, import: 'default' });

function withFeatures(core: Tree, language: 'en' | 'ru'): Tree {
  const merged: Tree = { ...core };
  for (const [path, tree] of Object.entries(features)) {
    if (!path.endsWith(`.${language}.json`)) continue;
    for (const [key, value] of Object.entries(tree)) {
      if (key in merged) throw new Error(`${path}: the key "${key}" is already defined`);
      merged[key] = value;
    }
  }
  return merged;
}

/** All texts of the app by language: the core files plus every feature's. */
export const resources = { en: withFeatures(en, 'en'), ru: withFeatures(ru, 'ru') };

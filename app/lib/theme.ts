export const themes = ['light', 'dark', 'system'] as const;
export type Theme = (typeof themes)[number];

/**
 * Puts Ionic's dark palette on or off (the `ion-palette-dark` class of dark.class.css);
 * 'system' follows the device and keeps following it. Returns the cleanup.
 */
export function applyTheme(theme: Theme): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const update = () => {
    const dark = theme === 'dark' || (theme === 'system' && media.matches);
    document.documentElement.classList.toggle('ion-palette-dark', dark);
    document.querySelector('meta[name="theme-color"]')?.setAttribute('content', dark ? '#121826' : '#1f4fd8');
  };
  update();
  if (theme !== 'system') return () => {};
  media.addEventListener('change', update);
  return () => media.removeEventListener('change', update);
}

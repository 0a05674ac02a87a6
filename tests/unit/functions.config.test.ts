import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { loadConfig, projectRoot } from '../../supabase/local/config.ts';
import { parseEnvFile } from '../../supabase/local/functions/env.ts';

const functionsDir = resolve(projectRoot, 'functions');

describe('functions/ deploys with the Supabase CLI and runs the same locally', () => {
  it('declares every function in supabase/config.toml with its entrypoint and the one import map', () => {
    const names = readdirSync(functionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(functionsDir, entry.name, 'index.ts')))
      .map((entry) => entry.name);
    expect(names.length).toBeGreaterThan(0);
    const declared = (parse(readFileSync(resolve(projectRoot, 'supabase/config.toml'), 'utf8')) as { functions?: Record<string, Record<string, unknown>> }).functions ?? {};
    for (const name of names) {
      expect(declared[name], name).toMatchObject({ entrypoint: `../functions/${name}/index.ts`, import_map: '../functions/deno.json' });
      expect(existsSync(resolve(projectRoot, 'supabase', String(declared[name]?.entrypoint)))).toBe(true);
    }
    expect(Object.keys(loadConfig().functions).sort()).toEqual(Object.keys(declared).sort());
  });

  it('pins in functions/deno.json the npm versions that package-lock installed (Deno runs them from node_modules)', () => {
    const { imports } = JSON.parse(readFileSync(join(functionsDir, 'deno.json'), 'utf8')) as { imports: Record<string, string> };
    for (const [name, specifier] of Object.entries(imports)) {
      const match = /^npm:(@?[^@]+)@(.+)$/.exec(specifier);
      expect(match, specifier).not.toBeNull();
      const installed = JSON.parse(readFileSync(resolve(projectRoot, 'node_modules', match![1]!, 'package.json'), 'utf8')) as { version: string };
      expect(`${name}@${match![2]}`).toBe(`${name}@${installed.version}`);
    }
  });
});

describe('env file (dotenv, as the Supabase CLI reads --env-file)', () => {
  it('parses comments, export, quotes and escapes', () => {
    const text = ['# comment', '', 'A=plain value # trailing comment', 'export B="quoted # kept\\tx"', "C='single $ \\n literal'", 'D=', 'not a line', '1BAD=x'].join('\n');
    expect(parseEnvFile(text)).toEqual({ A: 'plain value', B: 'quoted # kept\tx', C: 'single $ \\n literal', D: '' });
  });
});

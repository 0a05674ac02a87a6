import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { accessMarkdown } from '../supabase/accessMatrix.ts';
import { projectRoot } from '../supabase/local/config.ts';

/** Writes docs/access.md from supabase/accessMatrix.ts. */
writeFileSync(resolve(projectRoot, 'docs/access.md'), accessMarkdown());
console.log('docs/access.md written');

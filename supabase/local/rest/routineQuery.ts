import { quoteIdent } from '../sqlText.ts';
import { PostgrestError } from './PostgrestError.ts';
import { relationKey, type RoutineInfo, type SchemaSnapshot } from './SchemaCache.ts';
import type { SqlParams } from './SqlParams.ts';

/**
 * Finds the function an `/rpc/<name>` call means by its argument names, as PostgREST does
 * (https://postgrest.org/en/stable/references/api/functions.html).
 */
export function findRoutine(schema: SchemaSnapshot, schemaName: string, name: string, argNames: string[], singleObject: boolean): RoutineInfo {
  const overloads = schema.routines.get(relationKey(schemaName, name)) ?? [];
  const given = new Set(argNames);
  const matches = overloads.filter((r) => {
    if (isSingleJsonArg(r) && (r.args[0]?.name === '' || singleObject)) return true;
    if (r.args.some((a) => a.name === '')) return false;
    return argNames.every((n) => r.args.some((a) => a.name === n)) && r.args.every((a) => a.hasDefault || given.has(a.name));
  });
  // Prefer the exact parameter set over a catch-all json parameter.
  const exact = matches.filter((r) => !isSingleJsonArg(r) || r.args[0]?.name !== '' || argNames.length === 0);
  const chosen = exact.length ? exact : matches;
  if (chosen.length === 1 && chosen[0]) return chosen[0];
  const signature = `${schemaName}.${name}(${argNames.join(', ')})`;
  if (chosen.length > 1) {
    throw new PostgrestError(300, 'PGRST203', `Could not choose the best candidate function between: ${chosen.map((r) => `${schemaName}.${name}(${r.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`).join(', ')}`, null, 'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
  }
  const hint = overloads[0] ? `Perhaps you meant to call the function ${schemaName}.${name}(${overloads[0].args.map((a) => a.name).join(', ')})` : null;
  throw new PostgrestError(404, 'PGRST202', `Could not find the function ${signature}${argNames.length ? '' : ' without parameters'} in the schema cache`, `Searched for the function ${signature} with parameter${argNames.length === 1 ? '' : 's'} ${argNames.join(', ') || 'none'} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`, hint);
}

export function isSingleJsonArg(routine: RoutineInfo): boolean {
  const arg = routine.args[0];
  return routine.args.length === 1 && !!arg && (arg.type === 'json' || arg.type === 'jsonb');
}

export interface RoutineCall {
  /** FROM items that bring the arguments into scope (may be empty). */
  argsFrom: string;
  /** The call expression. */
  call: string;
}

/** The arguments travel as one JSON object and are typed by json_to_record, as in PostgREST. */
export function routineCall(params: SqlParams, routine: RoutineInfo, argsJson: string, passWholeBody: boolean): RoutineCall {
  const fn = `${quoteIdent(routine.schema)}.${quoteIdent(routine.name)}`;
  if (passWholeBody) {
    return { argsFrom: '', call: `${fn}(${params.add(argsJson)}::${routine.args[0]?.type ?? 'json'})` };
  }
  const provided = Object.keys(JSON.parse(argsJson) as Record<string, unknown>);
  const used = routine.args.filter((a) => provided.includes(a.name));
  if (used.length === 0) return { argsFrom: '', call: `${fn}()` };
  const columns = used.map((a) => `${quoteIdent(a.name)} ${a.type}`).join(', ');
  return {
    argsFrom: `json_to_record(${params.add(argsJson)}::json) as "pgrst_args"(${columns})`,
    call: `${fn}(${used.map((a) => `${quoteIdent(a.name)} := "pgrst_args".${quoteIdent(a.name)}`).join(', ')})`,
  };
}

import { PostgrestError } from './PostgrestError.ts';
import { relationKey, type ForeignKey, type Relation, type SchemaSnapshot } from './SchemaCache.ts';
import type { SelectEmbed } from './queryGrammar.ts';
import { quoteIdent } from '../sqlText.ts';

/**
 * How an embedded resource joins its parent
 * (https://postgrest.org/en/stable/references/api/resource_embedding.html).
 */
export interface Relationship {
  target: Relation;
  cardinality: 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many';
  /** The constraint (or junction table) that names this relationship in hints. */
  name: string;
  fk: ForeignKey;
  /** Many-to-many only: the junction table and its key to the target. */
  junction?: { relation: Relation; toTarget: ForeignKey };
}

export function isToOne(rel: Relationship): boolean {
  return rel.cardinality === 'many-to-one' || rel.cardinality === 'one-to-one';
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function candidates(schema: SchemaSnapshot, parent: Relation, target: Relation): Relationship[] {
  const out: Relationship[] = [];
  for (const fk of schema.foreignKeys) {
    if (fk.from === parent && fk.to === target) out.push({ target, cardinality: 'many-to-one', name: fk.name, fk });
    if (fk.to === parent && fk.from === target) {
      const unique = target.uniqueKeys.some((key) => sameSet(key, fk.fromColumns));
      out.push({ target, cardinality: unique ? 'one-to-one' : 'one-to-many', name: fk.name, fk });
    }
  }
  for (const toParent of schema.foreignKeys) {
    if (toParent.to !== parent) continue;
    const junction = toParent.from;
    if (junction === parent || junction === target) continue;
    for (const toTarget of schema.foreignKeys) {
      if (toTarget === toParent || toTarget.from !== junction || toTarget.to !== target) continue;
      const keyed = [...toParent.fromColumns, ...toTarget.fromColumns].every((c) => junction.primaryKey.includes(c));
      if (keyed) out.push({ target, cardinality: 'many-to-many', name: junction.name, fk: toParent, junction: { relation: junction, toTarget } });
    }
  }
  return out;
}

function matchesHint(rel: Relationship, hint: string): boolean {
  if (rel.name === hint || rel.fk.name === hint) return true;
  if (rel.junction && (rel.junction.relation.name === hint || rel.junction.toTarget.name === hint)) return true;
  return rel.fk.fromColumns.length === 1 && (rel.fk.fromColumns[0] === hint || rel.fk.toColumns[0] === hint);
}

function describe(rel: Relationship, parent: Relation): { cardinality: string; embedding: string; relationship: string } {
  const columns = `${rel.fk.fromColumns.join(',')}`;
  return {
    cardinality: rel.cardinality,
    embedding: `${parent.name} with ${rel.target.name}`,
    relationship: rel.junction
      ? `${rel.junction.relation.name} using ${rel.fk.name}(${columns}) and ${rel.junction.toTarget.name}(${rel.junction.toTarget.fromColumns.join(',')})`
      : `${rel.fk.name} using ${rel.fk.from.name}(${columns}) and ${rel.fk.to.name}(${rel.fk.toColumns.join(',')})`,
  };
}

/** Finds the one relationship an embed names, or fails as PostgREST does (PGRST200 / PGRST201). */
export function resolveRelationship(schema: SchemaSnapshot, parent: Relation, embed: SelectEmbed): Relationship {
  const target = schema.relations.get(relationKey(parent.schema, embed.name));
  let found: Relationship[];
  if (target) {
    found = candidates(schema, parent, target);
    if (embed.hint) found = found.filter((rel) => matchesHint(rel, embed.hint ?? ''));
  } else {
    // `select=parent_id(*)` or `select=fk_name(*)`: a to-one relationship named by column or constraint.
    found = schema.foreignKeys
      .filter((fk) => fk.from === parent && (fk.name === embed.name || (fk.fromColumns.length === 1 && fk.fromColumns[0] === embed.name)))
      .map((fk) => ({ target: fk.to, cardinality: 'many-to-one' as const, name: fk.name, fk }));
  }
  if (found.length === 1 && found[0]) return found[0];
  if (found.length === 0) {
    throw new PostgrestError(
      400,
      'PGRST200',
      `Could not find a relationship between '${parent.name}' and '${embed.name}' in the schema cache`,
      `Searched for a foreign key relationship between '${parent.name}' and '${embed.name}'${embed.hint ? ` using the hint '${embed.hint}'` : ''} in the schema '${parent.schema}', but no matches were found.`,
    );
  }
  const options = found.map((rel) => `'${embed.name}!${rel.name}'`).join(', ');
  throw new PostgrestError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${parent.name}' and '${embed.name}'`,
    JSON.stringify(found.map((rel) => describe(rel, parent))),
    `Try changing '${embed.name}' to one of the following: ${options}. Find the desired relationship in the 'details' key.`,
  );
}

/** The join condition between a parent alias and the target alias (through the junction for many-to-many). */
export function joinCondition(rel: Relationship, parentAlias: string, targetAlias: string, junctionAlias: string): string {
  const pairs = (fk: ForeignKey, fromAlias: string, toAlias: string) =>
    fk.fromColumns.map((c, i) => `${quoteIdent(fromAlias)}.${quoteIdent(c)} = ${quoteIdent(toAlias)}.${quoteIdent(fk.toColumns[i] ?? '')}`);
  switch (rel.cardinality) {
    case 'many-to-one':
      return pairs(rel.fk, parentAlias, targetAlias).join(' and ');
    case 'one-to-many':
    case 'one-to-one':
      return pairs(rel.fk, targetAlias, parentAlias).join(' and ');
    case 'many-to-many': {
      const toTarget = rel.junction?.toTarget;
      if (!toTarget) throw new Error('many-to-many relationship without a junction');
      return [...pairs(rel.fk, junctionAlias, parentAlias), ...pairs(toTarget, junctionAlias, targetAlias)].join(' and ');
    }
  }
}

/** Quotes an identifier for SQL text (https://www.postgresql.org/docs/current/sql-syntax-lexical.html). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL text, for the few places a parameter cannot stand. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

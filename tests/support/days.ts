/** A calendar day in UTC, `offset` days from today, as YYYY-MM-DD (the rollup's and the RPCs' days). */
export function utcDay(offset = 0): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

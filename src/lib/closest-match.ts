/**
 * "Did you mean ...?" for typed names (commands, verbs, flags): the known name a typo most
 * likely meant, by edit distance with transpositions (`delte` -> `delete`), or the one name the
 * typed text is a prefix of. Undefined when nothing is close enough to be a useful guess.
 */

/** Typos allowed: one per three characters (a flag's dashes not counted), at least one. */
function distanceMax(typed: string): number {
  return Math.max(1, Math.floor(typed.replace(/^-+/, '').length / 3));
}

export function closestMatch(typed: string, known: readonly string[]): string | undefined {
  const text = typed.toLowerCase();
  if (text === '') return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const distance = editDistance(text, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= distanceMax(text)) return best;
  const extending = known.filter((name) => name.toLowerCase().startsWith(text));
  return text.replace(/^-+/, '').length >= 3 && extending.length === 1 ? extending[0] : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  const row0 = rows[0] as number[];
  for (let j = 0; j <= b.length; j++) row0[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]![j - 2] as number) + 1);
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

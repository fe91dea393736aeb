// Seeded damage for the YAML reader mutation tests: slices of real rules files with lines dropped,
// re-indented, split, or given stray characters, tabs, comments and markers where YAML refuses them. Same seed → same slices.
const DAMAGES: ((l: string[], i: number) => unknown)[] = [
  (l, i) => l.splice(i, 1),
  (l, i) => (l[i] = ` ${l[i]}`),
  (l, i) => (l[i] = l[i]!.replace(/^ /, '')),
  (l, i) => (l[i] = `  ${l[i]}`),
  (l, i) => (l[i] = l[i]!.replace(/, /, ',, ')),
  (l, i) => (l[i] = l[i]!.replace(/]/, '')),
  (l, i) => (l[i] = `${l[i]}: x`),
  (l, i) => (l[i] = l[i]!.replace(/- /, '')),
  (l, i) => (l[i] = `${l[i]} "`),
  (l, i) => l.splice(i, 0, '\t- x'),
  (l, i) => (l[i] = `${l[i]} #`),
  (l, i) => (l[i] = l[i]!.replace(/ /, '')),
  (l, i) => l.splice(i, 0, ''),
  (l, i) => (l[i] = l[i]!.replace(/>/, '|+')),
  (l, i) => (l[i] = l[i]!.replace(/\(/, '[')),
  (l, i) => (l[i] = l[i]!.replace(/,/, '\n')),
  // QA: what the CST reader once took and the composer refuses. A tab after an item's dash, a comment touching a flow
  // list's comma or bracket, text after a document marker, a block item inside a flow list.
  (l, i) => (l[i] = l[i]!.replace(/- /, '-\t')),
  (l, i) => (l[i] = l[i]!.replace(/- /, '- \t')),
  (l, i) => (l[i] = l[i]!.replace(/, /, ',#')),
  (l, i) => (l[i] = l[i]!.replace(/]/, ']#')),
  (l, i) => (l[i] = `... ${l[i]}`),
  (l, i) => (l[i] = `--- ${l[i]}`),
  (l, i) => (l[i] = l[i]!.replace(/\[/, '[\n   - ')),
  (l, i) => (l[i] = l[i]!.replace(/: /, ':\t')),
];

/** `runs` damaged slices (5–40 lines, 1–4 damages each) of `lines`. */
export function* damagedSlices(lines: string[], seed: number, runs: number): Generator<string> {
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let run = 0; run < runs; run++) {
    const start = random(lines.length - 40);
    const slice = lines.slice(start, start + 5 + random(35));
    for (let k = 0; k <= random(3); k++) DAMAGES[random(DAMAGES.length)]!(slice, random(slice.length));
    yield slice.join('\n');
  }
}

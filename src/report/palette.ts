// Colours shared by the heatmap and the Navigator layer: a blue sequence for rule counts and orange for
// gaps, a pairing that stays distinct under the common colour-vision deficiencies (ColorBrewer Blues/PuOr).
// templates/heatmap.css repeats them (--c1..--c4, --gap, --partial); the 3-rule blue is dark enough for white text (AA).

export const GAP_COLOR = '#f1a340';
export const PARTIAL_COLOR = '#d9e7f5';
/** Fill for 1, 2, 3 and 4+ enabled rules. */
export const COVERED_COLORS = ['#9ecae1', '#6baed6', '#2171b5', '#08519c'];

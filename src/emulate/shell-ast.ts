// attack-cov's model of a shell script: what the event synthesis needs from a parse (commands, their
// words, redirections, pipelines, &&/||, subshells, command substitutions, heredocs, loops, functions).
// Words keep their parts so that variables and substitutions expand at synthesis time. Plain data.

export type WordPart =
  | { kind: 'text'; text: string }
  /** $NAME or ${NAME}. */
  | { kind: 'var'; name: string }
  /** $(…), `…` or <(…): commands run while the word is expanded; their output is not known. */
  | { kind: 'subst'; body: ShellNode[]; source: string }
  /** Something the synthesis does not expand ($((…)), ${X:-y}); kept as written. */
  | { kind: 'opaque'; source: string; why: string };

export interface Word {
  parts: WordPart[];
  /** As written in the script. */
  source: string;
}

export interface Redirect {
  /** ">", ">>", "<", "&>", "&>>", ">&", "<&", "<<", "<<<", ">|". */
  op: string;
  /** The file descriptor written before the operator (2 in 2>/dev/null). */
  fd?: number;
  target?: Word;
  /** A heredoc's (or here-string's) text. */
  body?: Word;
}

export type ShellNode =
  | { kind: 'command'; assignments: { name: string; value?: Word }[]; words: Word[]; redirects: Redirect[]; isBackground?: boolean }
  | { kind: 'pipeline'; commands: ShellNode[] }
  | { kind: 'and' | 'or'; left: ShellNode; right: ShellNode }
  /** A forked copy of the shell: ( … ). */
  | { kind: 'subshell'; body: ShellNode[]; redirects: Redirect[] }
  /** Commands run in the same shell: { …; }, if/case/while bodies (with a note saying what was assumed). */
  | { kind: 'group'; body: ShellNode[]; redirects: Redirect[]; note?: string }
  | { kind: 'for'; variable: string; values: Word[]; body: ShellNode[] }
  | { kind: 'function'; name: string; body: ShellNode[] }
  /** A construct the model does not cover. */
  | { kind: 'unsupported'; source: string; why: string };

/** A parsed script: its statements, and the parse problems (a script with errors is still emulated as far as it parsed). */
export interface ShellScript {
  statements: ShellNode[];
  errors: string[];
}

export type ShellParser = (script: string) => ShellScript;

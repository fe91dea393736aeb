// The synthetic events the emulation evaluates rules against: the fields Falco would extract from one
// syscall event, plus what Falco would know that the synthesis does not. Plain data, no behaviour.

export type Scalar = string | number | boolean;

/** One process as the thread table sees it (an event's process or one of its ancestors). */
export interface ProcessInfo {
  pid: number;
  name: string;
  /** argv[0] as run ("rm", "/bin/rm"). */
  exe: string;
  /** Full path of the executable. */
  exepath: string;
  /** proc.cmdline: name and arguments joined by spaces. */
  cmdline: string;
}

export interface SyntheticEvent {
  /** evt.num: 1-based position in the procedure's event stream. */
  num: number;
  /** Field values by field name as written in conditions: "proc.name", "evt.arg.flags", "fd.sport". */
  fields: Record<string, Scalar>;
  /** Ancestors of the event's process, parent first (proc.aname[1] is ancestors[0]). */
  ancestors: ProcessInfo[];
  /** The process environment (proc.env[NAME]). */
  env: Record<string, string>;
  /**
   * Field names or prefixes ("k8s.", "container.mount") Falco cannot extract for this event (a check on
   * them is false). Any other field the event does not set is unknown: Falco would know it, we do not.
   */
  absent: string[];
  /** Whether the event carries a file descriptor (fd.* fields apply). */
  hasFd: boolean;
}

/** What one shell command (a procedure) becomes: its events and what could not be emulated. */
export interface Emulation {
  events: SyntheticEvent[];
  /** Plain sentences: constructs and utilities whose effect the synthesis did not model. */
  unmodeled: string[];
}

/** Where a procedure runs: on the host or inside a container. */
export type ContextName = 'host' | 'container';

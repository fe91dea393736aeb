// Falco's warning of a syscall rule that matches too many event types (LOAD_NO_EVTTYPE), told in words: the tree
// Falco searches for them and why the set it finds is too many. Pure.
import type { ConditionNode } from '../falco/condition/ast.js';
import { ConditionSyntaxError, parseCondition } from '../falco/condition/parse.js';
import { MAX_EVENT_CODES, type TooManyEventTypes } from '../falco/condition/event-types.js';
import { EVENT_TYPE_FIELDS } from '../falco/condition/operator-types.js';
import { conditionWithExceptions, ExceptionError, type ExceptionEntry } from '../falco/exceptions.js';
import type { FalcoRule } from '../falco/types.js';

/** Falco's words (rule_loader_compiler.cpp compile_rule_infos). */
export const TOO_MANY_EVENT_TYPES = 'Rule matches too many evt.type values. This has a significant performance penalty.';

function namesEventType(fields: ExceptionEntry | undefined): boolean {
  return Array.isArray(fields) ? fields.some(namesEventType) : fields !== undefined && EVENT_TYPE_FIELDS.has(fields);
}

/**
 * The tree Falco searches for a rule's event types: its condition with its exceptions joined (compile_rule_infos
 * searches the compiled condition). Only an exception on evt.type or syscall.type changes the set (`and not (evt.type
 * in (…))` takes those types away); one Falco refuses is reported apart, and the condition alone is searched.
 */
export function searchedTree(rule: Pick<FalcoRule, 'condition' | 'exceptions'>, ast: ConditionNode): ConditionNode {
  const exceptions = rule.exceptions ?? [];
  if (!exceptions.some((ex) => namesEventType(ex.fields))) return ast;
  try {
    return parseCondition(conditionWithExceptions(rule.condition, exceptions));
  } catch (error) {
    if (error instanceof ExceptionError || error instanceof ConditionSyntaxError) return ast;
    throw error;
  }
}

const RESTRICT = 'restrict it with evt.type or a macro such as spawned_process';
/** The event names a warning lists at the most. */
const SHOWN_NAMES = 5;

/** The warning's sentence: why the event types found are too many, and Falco's words. */
export function eventTypesMessage(tooMany: TooManyEventTypes): string {
  let why: string;
  if (tooMany.kind === 'none') why = 'the evt.type checks leave no event type (an empty list, or checks that exclude each other): the rule can never match';
  else if (tooMany.kind === 'many') why = `the condition matches ${tooMany.names} event types, ${tooMany.codes} event codes or more (Falco warns above ${MAX_EVENT_CODES}); ${RESTRICT} to fewer`;
  else {
    const but = tooMany.but.map((name) => (name === 'syscall' ? 'the generic syscalls' : name));
    const shown = but.length > SHOWN_NAMES ? `${but.slice(0, SHOWN_NAMES).join(', ')} and ${but.length - SHOWN_NAMES} more` : but.join(', ');
    why = `the condition matches every event type${but.length > 0 ? ` but ${shown}` : ''}, so Falco runs the rule on every system call; ${RESTRICT}`;
  }
  return `${why} (Falco: ${TOO_MANY_EVENT_TYPES})`;
}

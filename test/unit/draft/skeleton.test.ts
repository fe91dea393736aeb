// buildSkeleton with a hostile ATT&CK bundle's technique text (QA: its ESC and BEL reached the rule's name and output,
// which Falco prints in every alert): the name and output carry it as one line of printable text, the output no `%`.
import { describe, expect, it } from 'vitest';
import { buildSkeleton, PLACEHOLDER } from '../../../src/draft/skeleton.js';
import type { Grounding } from '../../../src/draft/grounding.js';
import type { Technique } from '../../../src/attack/types.js';

function grounding(name: string, description: string): Grounding {
  const technique = { id: 'T1529', name, description } as Technique;
  return { technique, tactics: [], source: 'syscall', detections: [], macros: [{ name: 'spawned_process', condition: 'x' }], lists: [], examples: [], fields: ['proc.name', 'user.name'], suggestedEvents: [] };
}

describe('buildSkeleton', () => {
  it('writes the technique name and description as printable text, without a field reference in the output', () => {
    const { rule } = buildSkeleton(grounding('Shut\u001b[31mdown\u0007 %proc.name\u202e', 'Stops\nthe host.\u0000 More.'));
    expect(rule.rule).toBe('Shut [31mdown  %proc.name  (T1529) skeleton');
    expect(rule.output).toBe('T1529 Shut [31mdown  proc.name  (proc_name=%proc.name user_name=%user.name)');
    // Its first sentence (the NUL is no space after the full stop, so the sentence runs on), as one line.
    expect(rule.desc).toBe('SKELETON, not a working rule: replace the placeholder condition. Stops the host.  More.');
    expect(rule.condition).toBe(`spawned_process and proc.name = ${PLACEHOLDER}`);
  });

  it('keeps an ordinary name as it is', () => {
    const { rule } = buildSkeleton(grounding('System Shutdown/Reboot', 'Adversaries may shutdown/reboot systems. More.'));
    expect([rule.rule, rule.output]).toEqual(['System Shutdown/Reboot (T1529) skeleton', 'T1529 System Shutdown/Reboot (proc_name=%proc.name user_name=%user.name)']);
  });
});

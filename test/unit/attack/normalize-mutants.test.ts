// normalize.ts rule by rule, on the smallest hand-written STIX input for each: what slimStixObject keeps, which
// reference is the ATT&CK ID, which tactics and relationships count (revoked, deprecated and look-alike objects
// do not), revoked-by chains to their active technique, which of two techniques with one ID wins, detection
// strategies and their analytics, and the defaults of whatever a bundle leaves out. Each test pins one rule, so
// a mutant of normalize.ts that changes it fails (`node scripts/mutation.mjs src/attack/normalize.ts`).
import { describe, expect, it } from 'vitest';
import { attackId, slimStixObject, type StixObject } from '../../../src/attack/normalize.js';
import { InputError } from '../../../src/errors.js';
import { technique } from '../../helpers/tiny-catalog.js';
import { executionOnly, executionTactic, matrix, mitreRef, normalizeObjects, relationship, stixTechnique } from '../../helpers/stix.js';

function thrown(run: () => unknown): { isInputError: boolean; message: string; hint: string | undefined } {
  try {
    run();
  } catch (error) {
    return { isInputError: error instanceof InputError, message: (error as InputError).message, hint: (error as InputError).hint };
  }
  throw new Error('expected an error');
}

/** [ID, revokedBy] of every technique, in bundle order. */
function replacements(objects: StixObject[]): [string, string[]][] {
  return [...normalizeObjects(objects).techniques.values()].map((t) => [t.id, t.revokedBy]);
}

describe('slimStixObject', () => {
  it('keeps a relationship\'s kind and ends but never its description, and adds no field it lacks', () => {
    const slim = slimStixObject({ ...relationship('uses', 'intrusion-set--g', 'attack-pattern--T1001'), description: 'Long citation text.' });
    expect(slim).toStrictEqual({
      type: 'relationship',
      id: 'relationship--intrusion-set--g-uses-attack-pattern--T1001',
      relationship_type: 'uses',
      source_ref: 'intrusion-set--g',
      target_ref: 'attack-pattern--T1001',
      external_references: undefined,
    });
  });

  it('keeps the first paragraph of another object\'s description, the API names of all of it, and only the references with an ATT&CK ID', () => {
    const slim = slimStixObject({
      type: 'attack-pattern',
      id: 'attack-pattern--1',
      description: 'First paragraph.\n\nSecond paragraph: the <code>CreateAccessKey</code> API.',
      external_references: [
        { source_name: 'capec', external_id: 'CAPEC-1' },
        { source_name: 'mitre-attack', url: 'https://attack.mitre.org/citation' },
        { source_name: 'mitre-attack', external_id: 'T1001', url: 'https://attack.mitre.org/techniques/T1001' },
      ],
    });
    expect(slim).toStrictEqual({
      type: 'attack-pattern',
      id: 'attack-pattern--1',
      description: 'First paragraph.',
      x_attack_cov_api_names: ['CreateAccessKey'],
      external_references: [{ source_name: 'mitre-attack', external_id: 'T1001', url: 'https://attack.mitre.org/techniques/T1001' }],
    });
  });
});

describe('attackId', () => {
  it('is the first mitre reference with an ID, not a CAPEC ID or a mitre citation before it', () => {
    const object = stixTechnique('T1001', {
      external_references: [
        { source_name: 'capec', external_id: 'CAPEC-1', url: 'https://capec.mitre.org/1' },
        { source_name: 'mitre-attack', url: 'https://attack.mitre.org/citation' },
        ...mitreRef('T1001', 'https://attack.mitre.org/techniques/T1001'),
      ],
    });
    expect(attackId(object)).toEqual({ id: 'T1001', url: 'https://attack.mitre.org/techniques/T1001' });
  });

  it('has an empty URL when the reference gives none', () => {
    expect(attackId(stixTechnique('T1001'))).toEqual({ id: 'T1001', url: '' });
  });
});

describe('tactics', () => {
  const listed: [string, StixObject][] = [
    ['a revoked tactic', { ...executionTactic(), id: 'x-mitre-tactic--p', x_mitre_shortname: 'persistence', external_references: mitreRef('TA0003'), revoked: true }],
    ['a deprecated tactic', { ...executionTactic(), id: 'x-mitre-tactic--p', x_mitre_shortname: 'persistence', external_references: mitreRef('TA0003'), x_mitre_deprecated: true }],
    ['an object of another type with a tactic\'s fields', { ...executionTactic(), type: 'x-mitre-data-component', id: 'x-mitre-data-component--p', x_mitre_shortname: 'persistence', external_references: mitreRef('TA0003') }],
  ];
  for (const [what, other] of listed) {
    it(`${what} is no tactic, though the matrix lists it`, () => {
      const catalog = normalizeObjects([executionTactic(), other, matrix(['x-mitre-tactic--execution', other.id]), stixTechnique('T1001')]);
      expect(catalog.tactics).toEqual([{ id: 'TA0002', name: 'Execution', shortname: 'execution', url: '' }]);
    });
  }

  it('without a matrix, an InputError naming the file, with a hint', () => {
    expect(thrown(() => normalizeObjects([executionTactic(), stixTechnique('T1001')]))).toEqual({
      isInputError: true,
      message: 'tiny.json: the bundle has no x-mitre-matrix, so the order of its tactics is unknown',
      hint: 'use an ATT&CK bundle as MITRE publishes it',
    });
  });
});

describe('techniques', () => {
  it('a technique with neither description nor platforms: empty ones', () => {
    const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001', { x_mitre_platforms: undefined })]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], [])]]));
  });

  it('x_mitre_detection is the technique\'s detection text', () => {
    const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001', { x_mitre_detection: 'Watch execve.' })]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'], { detection: 'Watch execve.' })]]));
  });

  it('an attack-pattern whose mitre ID does not start with T is no technique', () => {
    const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001'), stixTechnique('X0001')]);
    expect([...catalog.techniques.keys()]).toEqual(['T1001']);
  });

  it('without techniques, an InputError naming the file, with a hint', () => {
    expect(thrown(() => normalizeObjects([...executionOnly(), stixTechnique('X0001')]))).toEqual({
      isInputError: true,
      message: 'tiny.json: the bundle holds no ATT&CK techniques (no attack-pattern with a mitre-attack ID)',
      hint: 'is this an ATT&CK STIX bundle? Try --attack 18.1',
    });
  });

  it('a sub-technique\'s parent is what subtechnique-of names, before the prefix of its ID', () => {
    const catalog = normalizeObjects([
      ...executionOnly(),
      stixTechnique('T1001.001'),
      stixTechnique('T1002'),
      relationship('subtechnique-of', 'attack-pattern--T1001.001', 'attack-pattern--T1002'),
    ]);
    expect(catalog.techniques.get('T1001.001')).toEqual(technique('T1001.001', ['execution'], ['Linux'], { isSubtechnique: true, parent: 'T1002' }));
  });

  it('x_mitre_is_subtechnique makes a sub-technique of one whose ID has no dot', () => {
    const catalog = normalizeObjects([
      ...executionOnly(),
      stixTechnique('T1001', { x_mitre_is_subtechnique: true }),
      stixTechnique('T1002'),
      relationship('subtechnique-of', 'attack-pattern--T1001', 'attack-pattern--T1002'),
    ]);
    expect(catalog.techniques.get('T1001')).toEqual(technique('T1001', ['execution'], ['Linux'], { isSubtechnique: true, parent: 'T1002' }));
  });

  it('a phase of another kill chain is no tactic', () => {
    const phases = [{ kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'exploitation' }, { kill_chain_name: 'mitre-attack', phase_name: 'execution' }];
    const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001', { kill_chain_phases: phases })]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'])]]));
  });

  it('a tactic two phases name is listed once', () => {
    const phases = [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }, { kill_chain_name: 'mitre-pre-attack', phase_name: 'execution' }];
    const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001', { kill_chain_phases: phases })]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'])]]));
  });

  it('usedBy counts each current uses of the technique', () => {
    const catalog = normalizeObjects([
      ...executionOnly(),
      stixTechnique('T1001'),
      relationship('uses', 'intrusion-set--a', 'attack-pattern--T1001'),
      relationship('uses', 'malware--b', 'attack-pattern--T1001'),
    ]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'], { usedBy: 2 })]]));
  });

  const notRelationships: [string, StixObject][] = [
    ['a revoked relationship', relationship('uses', 'intrusion-set--a', 'attack-pattern--T1001', { revoked: true })],
    ['a deprecated relationship', relationship('uses', 'intrusion-set--a', 'attack-pattern--T1001', { x_mitre_deprecated: true })],
    ['an object of another type with a relationship\'s fields', { ...relationship('uses', 'intrusion-set--a', 'attack-pattern--T1001'), type: 'x-mitre-data-component' }],
  ];
  for (const [what, uses] of notRelationships) {
    it(`${what} counts for nothing`, () => {
      const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001'), uses]);
      expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'])]]));
    });
  }
});

describe('revoked-by', () => {
  it('is followed along a chain to the active technique (T1150 → T1547.011 → T1647, as in ATT&CK 18.1)', () => {
    expect(replacements([
      ...executionOnly(),
      stixTechnique('T1150', { revoked: true }),
      stixTechnique('T1547.011', { revoked: true }),
      stixTechnique('T1647'),
      relationship('revoked-by', 'attack-pattern--T1150', 'attack-pattern--T1547.011'),
      relationship('revoked-by', 'attack-pattern--T1547.011', 'attack-pattern--T1647'),
    ])).toEqual([['T1150', ['T1647']], ['T1547.011', ['T1647']], ['T1647', []]]);
  });

  it('a technique revoked by two has both as replacements, sorted', () => {
    expect(replacements([
      ...executionOnly(),
      stixTechnique('T1001'),
      stixTechnique('T1002'),
      stixTechnique('T1003', { revoked: true }),
      relationship('revoked-by', 'attack-pattern--T1003', 'attack-pattern--T1002'),
      relationship('revoked-by', 'attack-pattern--T1003', 'attack-pattern--T1001'),
    ])).toEqual([['T1001', []], ['T1002', []], ['T1003', ['T1001', 'T1002']]]);
  });

  it('a replacement the bundle does not hold is none', () => {
    expect(replacements([
      ...executionOnly(),
      stixTechnique('T1001', { revoked: true }),
      relationship('revoked-by', 'attack-pattern--T1001', 'attack-pattern--gone'),
    ])).toEqual([['T1001', []]]);
  });
});

describe('two techniques with one ID', () => {
  const revoked = () => stixTechnique('T1001', { id: 'attack-pattern--old', name: 'Old', revoked: true });
  const active = () => stixTechnique('T1001', { id: 'attack-pattern--new', name: 'New' });

  it('the active one wins over a revoked one before it', () => {
    const catalog = normalizeObjects([...executionOnly(), revoked(), active()]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'], { name: 'New' })]]));
  });

  it('the active one stays before a revoked one', () => {
    const catalog = normalizeObjects([...executionOnly(), active(), revoked()]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'], { name: 'New' })]]));
  });

  it('of two active ones, the first stays', () => {
    const catalog = normalizeObjects([...executionOnly(), active(), stixTechnique('T1001', { id: 'attack-pattern--other', name: 'Other' })]);
    expect(catalog.techniques).toEqual(new Map([['T1001', technique('T1001', ['execution'], ['Linux'], { name: 'New' })]]));
  });
});

describe('detection strategies', () => {
  const strategy = (extra: Partial<StixObject> = {}): StixObject => ({
    type: 'x-mitre-detection-strategy',
    id: 'x-mitre-detection-strategy--1',
    name: 'Detect shutdown',
    external_references: mitreRef('DET0001'),
    x_mitre_analytic_refs: ['x-mitre-analytic--1'],
    ...extra,
  });
  const analytic = (extra: Partial<StixObject> = {}): StixObject => ({
    type: 'x-mitre-analytic',
    id: 'x-mitre-analytic--1',
    external_references: mitreRef('AN0001'),
    x_mitre_platforms: ['Linux'],
    description: 'A shutdown command.',
    x_mitre_log_source_references: [{ name: 'auditd:SYSCALL', channel: 'execve', x_mitre_data_component_ref: 'x-mitre-data-component--1' }],
    ...extra,
  });
  const component: StixObject = { type: 'x-mitre-data-component', id: 'x-mitre-data-component--1', name: 'Process Creation' };
  const detects = (extra: Partial<StixObject> = {}) => relationship('detects', 'x-mitre-detection-strategy--1', 'attack-pattern--T1001', extra);
  const detectionsOf = (objects: StixObject[]) => normalizeObjects([...executionOnly(), stixTechnique('T1001'), component, ...objects]).detections;

  it('detects gives the technique its strategy, with its analytics and their log sources', () => {
    expect(detectionsOf([strategy(), analytic(), detects()])).toEqual(new Map([['T1001', [{
      id: 'DET0001',
      name: 'Detect shutdown',
      analytics: [{ id: 'AN0001', platforms: ['Linux'], description: 'A shutdown command.', logSources: [{ name: 'auditd:SYSCALL', channel: 'execve', dataComponent: 'Process Creation' }] }],
    }]]]));
  });

  it('a strategy\'s reference to an object that is not an analytic is left out', () => {
    const detections = detectionsOf([strategy({ x_mitre_analytic_refs: ['x-mitre-data-component--1'] }), detects()]);
    expect(detections).toEqual(new Map([['T1001', [{ id: 'DET0001', name: 'Detect shutdown', analytics: [] }]]]));
  });

  it('a strategy without ATT&CK ID, name or analytics: its STIX ID, no name, no analytics', () => {
    const detections = detectionsOf([strategy({ external_references: undefined, name: undefined, x_mitre_analytic_refs: undefined }), detects()]);
    expect(detections).toEqual(new Map([['T1001', [{ id: 'x-mitre-detection-strategy--1', name: '', analytics: [] }]]]));
  });

  it('an analytic without ATT&CK ID, platforms, description or log sources: its STIX ID and nothing else', () => {
    const bare = analytic({ external_references: undefined, x_mitre_platforms: undefined, description: undefined, x_mitre_log_source_references: undefined });
    expect(detectionsOf([strategy(), bare, detects()])).toEqual(new Map([['T1001', [{
      id: 'DET0001',
      name: 'Detect shutdown',
      analytics: [{ id: 'x-mitre-analytic--1', platforms: [], description: '', logSources: [] }],
    }]]]));
  });

  const noDetection: [string, StixObject][] = [
    ['a revoked detects', detects({ revoked: true })],
    // Left out like every other deprecated relationship (it was read before).
    ['a deprecated detects', detects({ x_mitre_deprecated: true })],
    ['a relationship of another kind', relationship('related-to', 'x-mitre-detection-strategy--1', 'attack-pattern--T1001')],
    ['an object of another type with the fields of a detects', { ...detects(), type: 'x-mitre-data-component' }],
  ];
  for (const [what, link] of noDetection) {
    it(`${what} gives the technique no strategy`, () => {
      expect(detectionsOf([strategy(), analytic(), link])).toEqual(new Map());
    });
  }
});

describe('what a bundle leaves out', () => {
  it('without collection, version hint, spec_version or matrix domain: version unknown, STIX 2.0, enterprise-attack', () => {
    expect(normalizeObjects([...executionOnly(), stixTechnique('T1001')])).toEqual({
      version: 'unknown',
      domain: 'enterprise-attack',
      stixVersion: '2.0',
      tactics: [{ id: 'TA0002', name: 'Execution', shortname: 'execution', url: '' }],
      techniques: new Map([['T1001', technique('T1001', ['execution'], ['Linux'])]]),
      threats: new Map(),
    });
  });

  it('without the bundle\'s spec_version, the STIX version is the first object\'s that has one', () => {
    const catalog = normalizeObjects([...executionOnly(), stixTechnique('T1001'), stixTechnique('T1002', { spec_version: '2.1' })]);
    expect(catalog.stixVersion).toBe('2.1');
  });

  it('the collection\'s domain comes before the matrix\'s', () => {
    const collection: StixObject = { type: 'x-mitre-collection', id: 'x-mitre-collection--1', x_mitre_version: '18.1', x_mitre_domains: ['enterprise-attack'] };
    const catalog = normalizeObjects([collection, executionTactic(), { ...matrix(['x-mitre-tactic--execution']), x_mitre_domains: ['mobile-attack'] }, stixTechnique('T1001')]);
    expect([catalog.version, catalog.domain]).toEqual(['18.1', 'enterprise-attack']);
  });

  it('without a collection, the domain is the matrix\'s', () => {
    const catalog = normalizeObjects([executionTactic(), { ...matrix(['x-mitre-tactic--execution']), x_mitre_domains: ['mobile-attack'] }, stixTechnique('T1001')]);
    expect(catalog.domain).toBe('mobile-attack');
  });
});

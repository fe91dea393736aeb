// API and event names, read the same way from ATT&CK's text and from a rule's condition values: what is a name
// (a camel hump, 6+ characters) and how a text is cut into them (code tags, pipes and sentence ends are not part of
// a name; citations name sources, not APIs).
import { describe, expect, it } from 'vitest';
import { apiNamesIn, isApiName } from '../../../src/attack/api-names.js';

describe('isApiName', () => {
  it('takes CloudTrail, Okta and GCP audit names', () => {
    for (const name of ['CreateAccessKey', 'ConsoleLogin', 'iam.serviceAccountKeys.create', 'AssumeRoleWithSAML', 'user.session.startX', 'ec2:RunInstances', 'aB3456']) {
      expect(isApiName(name), name).toBe(true);
    }
  });

  it('leaves out words, paths, short names and names without a hump', () => {
    for (const name of ['Linux', 'kubectl', '/etc/shadow', 'CREATE_ACCESS_KEY', 'ConsoleLogin ', 'aB345', 'eC', '1CreateKey', '-CreateKey', 'PowerShell script', 'ALLCAPSx']) {
      expect(isApiName(name), name).toBe(false);
    }
  });
});

describe('apiNamesIn', () => {
  it('cuts names out of code tags, pipes, lists and sentence ends, each once, sorted', () => {
    const text = 'Adversaries may use the <code>CreateAccessKey</code> API, or ImportKeyPair. Channels: CreateUser|CreateAccessKey|ec2:RunInstances; and iam.serviceAccountKeys.create.';
    expect(apiNamesIn(text)).toEqual(['CreateAccessKey', 'CreateUser', 'ImportKeyPair', 'RunInstances', 'ec2:RunInstances', 'iam.serviceAccountKeys.create']);
  });

  it('trims a path-like edge but keeps inner dots, colons and slashes', () => {
    expect(apiNamesIn('see /GetObjectAcl/ and ..PutBucketPolicy.. and s3:GetObject/')).toEqual(['GetObject', 'GetObjectAcl', 'PutBucketPolicy', 's3:GetObject']);
  });

  it('gives a name written with its service the bare name too (CloudTrail\'s eventName), from the last colon', () => {
    expect(apiNamesIn('the sts:GetFederationToken and IAM:PassRole calls, a:b:AssumeRoleWithSAML')).toEqual(['AssumeRoleWithSAML', 'GetFederationToken', 'IAM:PassRole', 'PassRole', 'a:b:AssumeRoleWithSAML', 'sts:GetFederationToken']);
    // A service without a name after it, or a bare part that is no name, gives nothing more.
    expect(apiNamesIn('iam:PassRoleX:abc and ecsTaskRole:')).toEqual(['ecsTaskRole', 'iam:PassRoleX:abc']);
  });

  it('leaves out the sources a citation names', () => {
    expect(apiNamesIn('Calls WriteProcessMemory.(Citation: MalwareTech Jan 2019)(Citation: WeLiveSecurity Sept 2020)')).toEqual(['WriteProcessMemory']);
    // A citation between two names separates them.
    expect(apiNamesIn('WriteProcessMemory(Citation: X)CreateRemoteThread')).toEqual(['CreateRemoteThread', 'WriteProcessMemory']);
    expect(apiNamesIn('')).toEqual([]);
  });
});

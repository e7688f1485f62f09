import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, PolicyViolationBeta1 } from 'aws-cdk-lib';
import { ControlTowerChecks } from '../../lib/compliance/control-tower-checks';
import { DEFAULT_GUARD_CACHE_DIRECTORY, GuardFindingsCache } from '../../lib/compliance/guard-findings-cache';

/** A bucket without server access logging: CT.S3.PR.2 (and others) report it. */
const UNLOGGED_BUCKET = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: {} } } };

function finding(templatePath: string, ruleName = 's3_bucket_logging_enabled_check'): PolicyViolationBeta1 {
  return { ruleName, description: 'd', violatingResources: [{ resourceLogicalId: 'Bucket', templatePath, locations: ['/Resources/Bucket'] }] };
}

describe('GuardFindingsCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guard-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const template = (name: string, content: unknown = UNLOGGED_BUCKET): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  test('returns nothing for a template it has not seen', () => {
    expect(new GuardFindingsCache(join(dir, 'cache-a')).read(template('unseen.json'))).toBeUndefined();
  });

  test('keeps only the template\'s own findings, pointed at wherever the same content is read from', () => {
    const cache = new GuardFindingsCache(join(dir, 'cache-b'));
    const a = template('a.json');
    cache.write(a, [finding(a), finding(join(dir, 'other.json'), 'other_rule')]);
    const copy = join(dir, 'copy.json');
    copyFileSync(a, copy);
    expect(cache.read(copy)).toEqual([finding(copy)]);
  });

  test('misses once the template changed', () => {
    const cache = new GuardFindingsCache(join(dir, 'cache-c'));
    const a = template('changed.json');
    cache.write(a, [finding(a)]);
    writeFileSync(a, JSON.stringify({ Resources: {} }));
    expect(cache.read(a)).toBeUndefined();
  });
});

describe('ControlTowerChecks and its cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guard-checks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const templatePath = join(dir, 'bucket.template.json');
  writeFileSync(templatePath, JSON.stringify(UNLOGGED_BUCKET));
  const validate = (cacheDirectory: string | false) =>
    new ControlTowerChecks({ cacheDirectory }).validate({ templatePaths: [templatePath], appConstruct: new App() });
  const rulesOf = (report: ReturnType<typeof validate>) => report.violations.map((violation) => violation.ruleName);

  test('takes a cached template\'s findings from the cache instead of cfn-guard', () => {
    const cacheDirectory = join(dir, 'planted');
    new GuardFindingsCache(cacheDirectory).write(templatePath, [finding(templatePath, 'planted_rule')]);
    expect(rulesOf(validate(cacheDirectory))).toEqual(['planted_rule']);
  });

  test('caches what cfn-guard found, and reports the same the second time', () => {
    const cacheDirectory = join(dir, 'fresh');
    const first = validate(cacheDirectory);
    expect(rulesOf(first)).toContain('s3_bucket_logging_enabled_check');
    expect(validate(cacheDirectory)).toEqual(first);
  });

  test('without a cache, runs cfn-guard even where the default cache has the template', () => {
    // A content of its own, so the entry planted in the default cache concerns this test alone.
    const unique = join(dir, 'unique.template.json');
    writeFileSync(unique, JSON.stringify({ ...UNLOGGED_BUCKET, Description: `${process.pid}-${Date.now()}` }));
    const defaultCache = new GuardFindingsCache(DEFAULT_GUARD_CACHE_DIRECTORY);
    defaultCache.write(unique, [finding(unique, 'planted_rule')]);
    try {
      const report = new ControlTowerChecks({ cacheDirectory: false }).validate({ templatePaths: [unique], appConstruct: new App() });
      expect(rulesOf(report)).toContain('s3_bucket_logging_enabled_check');
      expect(rulesOf(report)).not.toContain('planted_rule');
    } finally {
      defaultCache.write(unique, []);
    }
  });
});

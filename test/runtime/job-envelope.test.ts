import {
  JOB_ENVELOPE_SCHEMA, MAX_INLINE_INPUT_CHARS, MAX_TTL_SECONDS, createJobEnvelope, decodeInline, expiresAt, inlineInput, parseJobEnvelope,
} from '../../lib/runtime/inference/job-envelope';

const VALID = {
  version: 1,
  jobId: 'order-17',
  submittedAt: '2026-05-01T12:00:00.000Z',
  contentType: 'application/json',
  input: { inline: '{"text":"hi"}' },
};
const parse = (value: unknown) => parseJobEnvelope(JSON.stringify(value));

describe('job envelope', () => {
  test('reads a valid version-1 envelope', () => {
    expect(parse(VALID)).toEqual({ ok: true, envelope: VALID });
  });

  test('reads an S3 input reference, an accept header and an output prefix', () => {
    const envelope = { ...VALID, accept: 'application/json', input: { s3Uri: 's3://jobs-results/inputs/order-17/input' }, outputPrefix: 'batch-42/day-1/' };
    expect(parse(envelope)).toEqual({ ok: true, envelope });
  });

  test('a body that is not JSON is malformed', () => {
    expect(parseJobEnvelope('hello')).toEqual({ ok: false, problems: [expect.stringMatching(/^the message body is not JSON \(.*\): send a job envelope, version 1$/)] });
  });

  test('a JSON array is malformed', () => {
    expect(parseJobEnvelope('[1]')).toEqual({ ok: false, problems: ['the message body ([1]) is not a JSON object: send a job envelope, version 1'] });
  });

  test('another version is refused, keeping the job id for the error key', () => {
    expect(parse({ ...VALID, version: 2 })).toEqual({ ok: false, jobId: 'order-17', problems: ['version (2) is not supported: this agent reads version 1'] });
  });

  test('names an unknown field', () => {
    expect(parse({ ...VALID, priority: 1 })).toEqual({ ok: false, jobId: 'order-17', problems: ['/ must NOT have additional properties: priority'] });
  });

  test('refuses a job id that could escape its key', () => {
    const parsed = parse({ ...VALID, jobId: '../x' });
    expect(parsed).toEqual({ ok: false, problems: [expect.stringMatching(/^\/jobId must match pattern/)] });
  });

  test('refuses a submittedAt that is not UTC ISO 8601', () => {
    expect(parse({ ...VALID, submittedAt: '1 May 2026' })).toEqual(expect.objectContaining({ problems: [expect.stringMatching(/^\/submittedAt must match pattern/)] }));
  });

  test('refuses a content type that is not a media type', () => {
    expect(parse({ ...VALID, contentType: 'json' })).toEqual(expect.objectContaining({ problems: [expect.stringMatching(/^\/contentType must match pattern/)] }));
  });

  test('refuses base64 input that is not base64', () => {
    const parsed = parse({ ...VALID, input: { inline: 'not base64!', encoding: 'base64' } });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toContain('/input/inline must match pattern "^[A-Za-z0-9+/]*={0,2}$"');
  });

  test('refuses an S3 input outside inputs/', () => {
    const parsed = parse({ ...VALID, input: { s3Uri: 's3://jobs-results/results/x' } });
    expect(parsed.ok ? [] : parsed.problems).toContainEqual(expect.stringMatching(/^\/input\/s3Uri must match pattern/));
  });

  test.each(['inputs/../results/x', 'inputs/a/./b', 'inputs/a/..', 'inputs/a//b', 'inputs/.'])('refuses an S3 input key with an empty, `.` or `..` segment: %s', (key) => {
    const parsed = parse({ ...VALID, input: { s3Uri: `s3://jobs-results/${key}` } });
    expect(parsed.ok ? [] : parsed.problems).toContainEqual(expect.stringMatching(/^\/input\/s3Uri must match pattern/));
  });

  test('takes an S3 input key whose segments merely contain dots', () => {
    expect(parse({ ...VALID, input: { s3Uri: 's3://jobs-results/inputs/order-17/v1..2.bin' } }).ok).toBe(true);
  });

  test('bounds inline input', () => {
    expect(parse({ ...VALID, input: { inline: 'x'.repeat(MAX_INLINE_INPUT_CHARS) } }).ok).toBe(true);
    const parsed = parse({ ...VALID, input: { inline: 'x'.repeat(MAX_INLINE_INPUT_CHARS + 1) } });
    expect(parsed.ok ? [] : parsed.problems).toContain(`/input/inline must NOT have more than ${MAX_INLINE_INPUT_CHARS} characters`);
  });

  test.each([0, 1.5, MAX_TTL_SECONDS + 1])('refuses a time-to-live of %p', (ttlSeconds) => {
    expect(parse({ ...VALID, ttlSeconds }).ok).toBe(false);
  });

  test('a job with a time-to-live expires that long after its submission; one without never does', () => {
    expect(expiresAt({ ...VALID, version: 1, ttlSeconds: 60 })).toBe(Date.parse('2026-05-01T12:01:00.000Z'));
    expect(expiresAt({ ...VALID, version: 1 })).toBeUndefined();
  });

  test('refuses null for an optional field, as the published schema does', () => {
    expect(parse({ ...VALID, accept: null }).ok).toBe(false);
  });

  test('refuses an output prefix that climbs out of results/', () => {
    expect(parse({ ...VALID, outputPrefix: '../errors/' })).toEqual(expect.objectContaining({ problems: [expect.stringMatching(/^\/outputPrefix must match pattern/)] }));
  });

  test('the schema names its version', () => {
    expect(JOB_ENVELOPE_SCHEMA.$id).toBe('https://ai-infra/schemas/job-envelope/1');
  });
});

describe('creating envelopes', () => {
  test('generates a job id and the submission time', () => {
    const envelope = createJobEnvelope({ contentType: 'text/plain', input: { inline: 'hi' } }, new Date('2026-05-01T12:00:00Z'));
    expect(envelope).toEqual({
      version: 1, jobId: expect.stringMatching(/^[0-9a-f-]{36}$/), submittedAt: '2026-05-01T12:00:00.000Z', contentType: 'text/plain', input: { inline: 'hi' },
    });
  });

  test('keeps a client-supplied job id', () => {
    expect(createJobEnvelope({ jobId: 'order-17', contentType: 'text/plain', input: { inline: 'hi' } }).jobId).toBe('order-17');
  });

  test('throws naming the problem', () => {
    expect(() => createJobEnvelope({ jobId: 'a b', contentType: 'text/plain', input: { inline: 'hi' } })).toThrow(/Invalid job: \/jobId must match pattern/);
  });

  test('sends UTF-8 as text and anything else as base64, and decodes both', () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    expect(inlineInput(Buffer.from('héllo'))).toEqual({ inline: 'héllo' });
    expect(inlineInput(binary)).toEqual({ inline: '/wD+', encoding: 'base64' });
    expect(decodeInline(inlineInput(binary))).toEqual(binary);
  });
});

import { KMSThrottlingException, NotFoundException } from '@aws-sdk/client-sns';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { isRetryableAwsError } from '../../lib/runtime/inference/agent/retried-call';

const s3Error = (name: string, httpStatusCode: number, fault: 'client' | 'server' = 'client') =>
  new S3ServiceException({ name, message: name, $fault: fault, $metadata: { httpStatusCode } });

/** How the agent classifies the errors of its S3 and SNS calls: the SDK's rules plus what AWS documents as retryable. */
describe('retryable AWS errors', () => {
  test.each([
    ['a 500', s3Error('InternalError', 500, 'server')],
    ['a 503 SlowDown', s3Error('SlowDown', 503, 'server')],
    ['throttling the SDK lists', s3Error('ThrottlingException', 400)],
    ['SNS KMSThrottling, as the SNS client raises it', new KMSThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })],
    ['S3 409 ConditionalRequestConflict on a conditional write', s3Error('ConditionalRequestConflict', 409)],
    ['a timeout', Object.assign(new Error('SNS Publish timed out after 500 ms'), { name: 'TimeoutError' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('%s is retried', (_what, error) => {
    expect(isRetryableAwsError(error)).toBe(true);
  });

  test.each([
    ['access denied', s3Error('AccessDenied', 403)],
    ['a failed precondition (the key exists)', s3Error('PreconditionFailed', 412)],
    ['a missing topic', new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } })],
    ['a message too long for SNS', Object.assign(new Error('Invalid parameter: Message too long'), { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } })],
  ])('%s is final', (_what, error) => {
    expect(isRetryableAwsError(error)).toBe(false);
  });
});

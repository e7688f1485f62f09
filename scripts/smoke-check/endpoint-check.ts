import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Outcome, fail, pass } from './check-result';

/** The SageMaker endpoint is InService. */
export async function checkEndpointInService(sageMaker: SageMakerClient, endpointName: string): Promise<Outcome> {
  const endpoint = await sageMaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  if (endpoint.EndpointStatus === 'InService') {
    return pass(`${endpointName} is InService`);
  }
  const reason = endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
  return fail(`${endpointName} is ${endpoint.EndpointStatus}, not InService${reason}`);
}

import { CloudFormationClient, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { isError } from './clients';

/**
 * The physical ids of what the environment's deployed stacks own, by stack and logical id
 * (ListStackResources): a Lambda function whose concurrency is already reserved, an Elastic IP
 * already allocated, a named log group that is the stack's own and no leftover. A stack that does
 * not exist (CloudFormation's ValidationError "does not exist") owns nothing.
 */
export class DeployedResources {
  private readonly stacks = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly cloudFormation: CloudFormationClient) {}

  /** The physical id of each resource of `stackName`, by logical id. */
  public physicalIds(stackName: string): Promise<Map<string, string>> {
    let ids = this.stacks.get(stackName);
    if (!ids) {
      ids = this.list(stackName);
      this.stacks.set(stackName, ids);
    }
    return ids;
  }

  private async list(stackName: string): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    try {
      for await (const page of paginateListStackResources({ client: this.cloudFormation }, { StackName: stackName })) {
        for (const resource of page.StackResourceSummaries ?? []) {
          if (resource.LogicalResourceId && resource.PhysicalResourceId) ids.set(resource.LogicalResourceId, resource.PhysicalResourceId);
        }
      }
    } catch (error) {
      if (!(isError(error, 'ValidationError') && /does not exist/.test((error as Error).message))) throw error;
    }
    return ids;
  }
}

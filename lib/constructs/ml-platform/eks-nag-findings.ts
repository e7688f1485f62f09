import { Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { managedPolicyFinding, resourceFinding } from '../training/nag-findings';

function acknowledgeManagedPolicies(scope: IConstruct, policyNames: readonly string[], reason: string): void {
  for (const name of policyNames) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`, reason });
  }
}

/**
 * Acknowledges, each on the construct that owns it, the AwsSolutions findings of what
 * `aws-eks-v2`'s Cluster builds itself with Auto Mode and a kubectl provider: the AWS managed
 * policies EKS requires on the cluster and node roles, and the kubectl provider's Lambda
 * functions. Every reason is listed in docs/nag-acknowledgements.md.
 */
export function acknowledgeEksClusterFindings(cluster: eks.Cluster): void {
  acknowledgeManagedPolicies(cluster.role, [
    'AmazonEKSClusterPolicy', 'AmazonEKSComputePolicy', 'AmazonEKSBlockStoragePolicy', 'AmazonEKSLoadBalancingPolicy', 'AmazonEKSNetworkingPolicy',
  ], 'EKS Auto Mode requires these AWS managed policies on the cluster role: EKS manages nodes, volumes, load balancers and ENIs with them, and AWS updates them with the service.');

  const nodeRole = cluster.node.findChild(`${cluster.node.id}nodePoolRole`);
  acknowledgeManagedPolicies(nodeRole, ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly'],
    'The node role of EKS Auto Mode: AWS documents exactly these managed policies for nodes to join the cluster and pull images.');

  const provider = cluster.kubectlProvider;
  if (provider === undefined) return;
  const handler = provider.node.findChild('Handler') as lambda.Function;
  const handlerRole = handler.role as iam.Role;
  acknowledgeManagedPolicies(handlerRole, [
    'service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonEC2ContainerRegistryReadOnly',
  ], 'The kubectl provider Lambda that aws-eks-v2 builds: logs, ENIs in the VPC (the API endpoint is private) and image pulls for Helm charts; aws-cdk-lib attaches these managed policies itself.');
  Validations.of(handlerRole).acknowledge({
    id: `AwsSolutions-IAM4[${managedPolicyFinding(handlerRole, (provider.node.findChild('ConditionalPolicyArn') as iam.IManagedPolicy).managedPolicyArn)}]`,
    reason: 'aws-cdk-lib attaches AmazonElasticContainerRegistryPublicReadOnly to the kubectl provider Lambda in the aws partition only, for Helm charts from ECR Public.',
  });
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'aws-eks-v2 chooses the kubectl handler runtime (the latest Python it knows); it follows aws-cdk-lib upgrades.',
  });

  const onEvent = provider.node.findChild('Provider').node.findChild('framework-onEvent') as lambda.Function;
  acknowledgeManagedPolicies(onEvent.role as iam.Role, ['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole'],
    'The custom resource framework Lambda of the kubectl provider, in the VPC: logs and ENIs; aws-cdk-lib attaches these managed policies itself.');
  Validations.of(onEvent.role as iam.Role).acknowledge({
    id: `AwsSolutions-IAM5[${resourceFinding(onEvent, `${handler.functionArn}:*`)}]`,
    reason: 'The framework invokes the kubectl handler function, any version or alias of it: the wildcard is the qualifier of one function.',
  });
}

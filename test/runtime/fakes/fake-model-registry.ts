import {
  DescribeModelPackageCommand, DescribeModelPackageCommandInput, DescribeModelPackageCommandOutput, ListModelPackagesCommand,
  ListModelPackagesCommandInput, ListModelPackagesCommandOutput, ModelApprovalStatus, ModelPackageContainerDefinition, ModelPackageStatus,
  ModelPackageSummary, SageMakerClient, ServiceInputTypes, ServiceOutputTypes,
} from '@aws-sdk/client-sagemaker';
import { AwsStub } from 'aws-sdk-client-mock';

/** One model package as the fake stores it. */
interface StoredPackage {
  readonly arn: string;
  /** The group, for a versioned package; an unversioned (Marketplace) package has none. */
  readonly groupName?: string;
  readonly name: string;
  readonly version?: number;
  readonly creationTime: Date;
  status: ModelPackageStatus;
  approval?: ModelApprovalStatus;
  containers?: ModelPackageContainerDefinition[];
}

/** How a version is registered (CreateModelPackage's fields the resolver reads). */
export interface Registration {
  readonly approval?: ModelApprovalStatus;
  readonly status?: ModelPackageStatus;
  /** InferenceSpecification.Containers; none: a version registered without an inference specification. */
  readonly containers?: ModelPackageContainerDefinition[];
}

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';

/** A SageMaker service error, as the SDK rejects with it. */
function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/**
 * One account and region of the SageMaker Model Registry, written from the API reference:
 * - a group's versions are numbered 1, 2, ... in the order they are registered ("The version of each
 *   model package is a numerical value that starts at 1 and is incremented with each new model
 *   package added to a Model Group", https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-models.html),
 *   the ARN of one `arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`; an
 *   unversioned package belongs to no group;
 * - ListModelPackages (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListModelPackages.html)
 *   filters by ModelPackageGroupName, ModelApprovalStatus and ModelPackageType, whose default is
 *   Unversioned ("This is the default value if no ModelPackageType is specified"); sorts by SortBy
 *   (default CreationTime) in SortOrder (default Ascending); takes MaxResults 1 to 100 and pages with
 *   NextToken; its summaries carry no inference specification. The reference gives no default page
 *   size, so the fake refuses a call without MaxResults rather than guess one;
 * - DescribeModelPackage (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html)
 *   takes the name or the ARN; a versioned package is found by its ARN; an unknown one is a
 *   ValidationException.
 */
export class FakeModelRegistry {
  private readonly packages: StoredPackage[] = [];
  private clock = Date.parse('2026-01-05T09:00:00Z');
  /** Every call, as `Action input-json`. */
  readonly calls: string[] = [];

  constructor(private readonly partition = 'aws') {}

  /** Registers the next version of `groupName` and returns its number. */
  register(groupName: string, registration: Registration = {}): number {
    const version = this.packages.filter((p) => p.groupName === groupName).length + 1;
    this.clock += 60_000;
    this.packages.push({
      arn: `arn:${this.partition}:sagemaker:${REGION}:${ACCOUNT}:model-package/${groupName}/${version}`,
      groupName,
      name: groupName,
      version,
      creationTime: new Date(this.clock),
      status: registration.status ?? 'Completed',
      approval: registration.approval ?? 'PendingManualApproval',
      containers: registration.containers,
    });
    return version;
  }

  /** Creates an unversioned (Marketplace) package named `name`. */
  registerUnversioned(name: string, registration: Registration = {}): void {
    this.clock += 60_000;
    this.packages.push({
      arn: `arn:${this.partition}:sagemaker:${REGION}:${ACCOUNT}:model-package/${name}`,
      name,
      creationTime: new Date(this.clock),
      status: registration.status ?? 'Completed',
      containers: registration.containers,
    });
  }

  /** UpdateModelPackage's ModelApprovalStatus. */
  setApproval(groupName: string, version: number, approval: ModelApprovalStatus): void {
    const stored = this.packages.find((p) => p.groupName === groupName && p.version === version);
    if (!stored) throw new Error(`the fake has no version ${version} of ${groupName}`);
    stored.approval = approval;
  }

  /** The ARN of a version. */
  arnOf(groupName: string, version: number): string {
    return `arn:${this.partition}:sagemaker:${REGION}:${ACCOUNT}:model-package/${groupName}/${version}`;
  }

  list(input: ListModelPackagesCommandInput): ListModelPackagesCommandOutput {
    this.calls.push(`ListModelPackages ${JSON.stringify(input)}`);
    if (input.MaxResults === undefined) throw new Error('the API reference gives no default MaxResults: the fake refuses to guess one');
    if (input.MaxResults < 1 || input.MaxResults > 100) throw validationError(`1 validation error detected: Value '${input.MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
    const type = input.ModelPackageType ?? 'Unversioned';
    const matching = this.packages
      .filter((p) => type === 'Both' || (type === 'Versioned') === (p.groupName !== undefined))
      .filter((p) => input.ModelPackageGroupName === undefined || p.groupName === input.ModelPackageGroupName)
      .filter((p) => input.ModelApprovalStatus === undefined || p.approval === input.ModelApprovalStatus);
    const by = input.SortBy ?? 'CreationTime';
    const sorted = [...matching].sort((a, b) => (by === 'Name' ? a.name.localeCompare(b.name) : a.creationTime.getTime() - b.creationTime.getTime()));
    if ((input.SortOrder ?? 'Ascending') === 'Descending') sorted.reverse();
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    const page = sorted.slice(start, start + input.MaxResults);
    const next = start + input.MaxResults < sorted.length ? String(start + input.MaxResults) : undefined;
    return {
      ModelPackageSummaryList: page.map((p): ModelPackageSummary => ({
        ModelPackageArn: p.arn,
        ModelPackageName: p.name,
        ModelPackageGroupName: p.groupName,
        ModelPackageVersion: p.version,
        CreationTime: p.creationTime,
        ModelPackageStatus: p.status,
        ModelApprovalStatus: p.approval,
      })),
      NextToken: next,
      $metadata: {},
    };
  }

  describe(input: DescribeModelPackageCommandInput): DescribeModelPackageCommandOutput {
    this.calls.push(`DescribeModelPackage ${JSON.stringify(input)}`);
    const stored = this.packages.find((p) => p.arn === input.ModelPackageName || (p.groupName === undefined && p.name === input.ModelPackageName));
    if (!stored) throw validationError(`ModelPackage ${input.ModelPackageName} does not exist.`);
    return {
      ModelPackageArn: stored.arn,
      ModelPackageName: stored.name,
      ModelPackageGroupName: stored.groupName,
      ModelPackageVersion: stored.version,
      CreationTime: stored.creationTime,
      ModelPackageStatus: stored.status,
      ModelPackageStatusDetails: { ValidationStatuses: [] },
      ModelApprovalStatus: stored.approval,
      InferenceSpecification: stored.containers ? { Containers: stored.containers } : undefined,
      $metadata: {},
    };
  }

  /** Answers the client's ListModelPackages and DescribeModelPackage calls from this registry. */
  serve(mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, SageMakerClient['config']>): void {
    mock.on(ListModelPackagesCommand).callsFake((input: ListModelPackagesCommandInput) => this.list(input));
    mock.on(DescribeModelPackageCommand).callsFake((input: DescribeModelPackageCommandInput) => this.describe(input));
  }
}

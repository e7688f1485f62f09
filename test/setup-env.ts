// CDK's built-in CloudFormation schema validation costs seconds per synthesis; one app-level
// test runs it on every stage instead of every test paying for it.
process.env.CDK_VALIDATION = 'false';

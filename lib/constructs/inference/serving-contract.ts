/**
 * The SageMaker inference container contract the serving image follows, so that one image and
 * one model archive serve the EC2 fleet and the SageMaker endpoint: the container is started
 * with `serve`, listens on port 8080, answers `GET /ping` with 200 once it can serve, takes
 * requests on `POST /invocations` and finds the model under `/opt/ml/model`
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html).
 * SageMaker fixes these values, so nothing configures them: the load balancer's target group
 * and health check, the instance's boot script (through boot.env) and the queue agent all read
 * them from here.
 */
export const SERVING_CONTRACT = {
  /** The port the container listens on. */
  port: 8080,
  /** The health check path: 200 once the model is loaded. */
  healthCheckPath: '/ping',
  /** The path requests are posted to. */
  invocationsPath: '/invocations',
} as const;

/**
 * Imported first by every command-line script that calls AWS (jobs, train, preflight,
 * smoke-check, drift-check): turns off, through the SDK's own switch, its notice that releases
 * after January 2027 need Node.js 22 (https://github.com/aws/aws-sdk-js-v3/issues/7983), which
 * each client would otherwise print as an 8-line warning on Node.js 20. The scripts print their
 * findings only. A value the user set is kept.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};

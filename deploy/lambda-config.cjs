/**
 * `${file(deploy/lambda-config.cjs):stackmendConfig}` in serverless.aws.yml: the stage file's
 * `parameters` (env variables already resolved by osls), with what its `lambda` section overrides
 * (`lambda.dispatch`: Lambda's transport), as one JSON string, because Lambda environment variables are
 * strings and the Lambda adapter reads STACKMEND_CONFIG as JSON. The transport is checked for Lambda
 * (deploy/transports.cjs).
 */
'use strict';

const { checkTransport } = require('./transports.cjs');

module.exports.stackmendConfig = async ({ resolveVariable }) => {
  const stage = await resolveVariable('self:custom.stage');
  const parameters = stage && stage.parameters;
  if (!parameters || typeof parameters !== 'object') {
    throw new Error('deploy/stages/<stage>.yml has no `parameters` mapping; copy deploy/stages/example.yml');
  }
  const lambda = stage.lambda || {};
  const config = { ...parameters, ...(lambda.dispatch ? { dispatch: lambda.dispatch } : {}) };
  checkTransport('lambda', config, 'deploy/stages/<stage>.yml for serverless.aws.yml');
  return JSON.stringify(config);
};

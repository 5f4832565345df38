/**
 * `${file(deploy/lambda-config.cjs):stackmendConfig}` in serverless.aws.yml: the stage file's
 * `parameters` (env variables already resolved by osls) as one JSON string, because Lambda
 * environment variables are strings and the Lambda adapter reads STACKMEND_CONFIG as JSON.
 */
'use strict';

module.exports.stackmendConfig = async ({ resolveVariable }) => {
  const parameters = await resolveVariable('self:custom.stage.parameters');
  if (!parameters || typeof parameters !== 'object') {
    throw new Error('deploy/stages/<stage>.yml has no `parameters` mapping; copy deploy/stages/example.yml');
  }
  return JSON.stringify(parameters);
};

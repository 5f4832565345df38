/**
 * serverless-openwhisk 0.18.4, patched for osls 4 and for two of its bugs. Listed in
 * serverless.yml `plugins:` instead of the plugin itself. Nothing in node_modules is edited.
 *
 * 1. osls 4 refuses plugins whose CLI options have no `type` ("CLI options definitions must
 *    define a "type" property"); the plugin's `config credentials` options lack it → default them
 *    to "string".
 * 2. Trigger `parameters` are compiled but never sent: the openwhisk client sends
 *    `options.trigger` as the body, and the plugin only fills it for feed annotations → merge
 *    the parameters into that body.
 * 3. Feeds are never bound on deploy: deployTriggers masks `trigger.feed` (sets it to undefined on
 *    the shared object) before deployFeeds reads it → keep the feed aside and restore it for
 *    deployFeeds.
 * 4. The package.json naming the handler file (what OpenWhisk's Node.js runtime needs to find the code in a
 *    zip) is added only to the code sent at deploy, not to the artifacts `osls package` writes → added to
 *    every artifact too, so `wsk action create <fn> .serverless/<fn>.zip --kind nodejs:20` works as well.
 * 5. The stage's dispatch.transport is checked for OpenWhisk before anything is compiled (deploy/transports.cjs).
 * 6. The periodic trigger's feed (interval every N minutes, or alarm on a cron) follows the stage's `reconcile`,
 *    checked before anything is packaged (deploy/reconcile-feed.cjs).
 * The plugin is archived (last code change 2019); deploy/README.md says why osls 4 and this wrapper.
 */
'use strict';

const credentialsPath = require.resolve('serverless-openwhisk/configCredentials/index.js');
const OriginalCredentials = require(credentialsPath);

class ConfigCredentials extends OriginalCredentials {
  constructor(serverless, options) {
    super(serverless, options);
    const typeOptions = (commands) => {
      for (const command of Object.values(commands || {})) {
        for (const option of Object.values(command.options || {})) if (!option.type) option.type = 'string';
        typeOptions(command.commands);
      }
    };
    typeOptions(this.commands);
  }
}
Object.defineProperty(ConfigCredentials, 'name', { value: 'OpenWhiskConfigCredentials' });
require.cache[credentialsPath].exports = ConfigCredentials;

const deployTriggers = require('serverless-openwhisk/deploy/lib/deployTriggers.js');
const deployFeeds = require('serverless-openwhisk/deploy/lib/deployFeeds.js');

const originalGetTriggers = deployTriggers.getTriggers;
deployTriggers.getTriggers = function getTriggers(triggers) {
  const feeds = Object.fromEntries(
    Object.entries(triggers)
      .filter(([, t]) => t.feed)
      .map(([name, t]) => [name, t.feed]),
  );
  this.feedsByTrigger = { ...(this.feedsByTrigger || {}), ...feeds };
  return originalGetTriggers.call(this, triggers);
};

const originalDeployTrigger = deployTriggers.deployTrigger;
deployTriggers.deployTrigger = function deployTrigger(trigger) {
  if (trigger.parameters) trigger.trigger = { ...(trigger.trigger || {}), parameters: trigger.parameters };
  return originalDeployTrigger.call(this, trigger);
};

deployFeeds.getFeeds = function getFeeds() {
  const triggers = this.serverless.service.triggers;
  return Object.keys(triggers)
    .map((name) => triggers[name].feed || (this.feedsByTrigger || {})[name])
    .filter(Boolean);
};

const fs = require('node:fs');
const path = require('node:path');
const JSZip = require(require.resolve('jszip', { paths: [path.dirname(require.resolve('serverless-openwhisk'))] }));

/** `dist/notify/index.main` → `dist/notify/index.js`, the file package.json's `main` names. */
const handlerFile = (handler) => `${handler.slice(0, handler.lastIndexOf('.'))}.js`;

class ArtifactPackageJson {
  constructor(serverless) {
    this.hooks = {
      'after:package:createDeploymentArtifacts': async () => {
        for (const fn of Object.values(serverless.service.functions || {})) {
          const artifact = fn.package && fn.package.artifact;
          if (!artifact || !fn.handler || !fs.existsSync(artifact)) continue;
          const zip = await JSZip.loadAsync(fs.readFileSync(artifact));
          zip.file('package.json', JSON.stringify({ main: handlerFile(fn.handler) }));
          fs.writeFileSync(artifact, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
        }
      },
    };
  }
}

const OpenWhiskIndex = require('serverless-openwhisk');
const { checkTransport } = require('./transports.cjs');
const { reconcileFeed } = require('./reconcile-feed.cjs');

/** The trigger serverless.yml declares with the stage's `reconcile` as its feed_parameters and no feed. */
const RECONCILE_TRIGGER = 'stackmend-reconcile';

/** The reconcile trigger's feed and parameters from the stage's `reconcile` (deploy/reconcile-feed.cjs). */
class ReconcileFeed {
  constructor(serverless, options) {
    this.hooks = {
      'before:package:initialize': () => {
        const trigger = ((serverless.service.resources || {}).triggers || {})[RECONCILE_TRIGGER];
        if (!trigger) return;
        const stage = (options && options.stage) || serverless.service.provider.stage;
        const { feed, parameters } = reconcileFeed(trigger.feed_parameters, `deploy/stages/${stage}.yml`);
        trigger.feed = feed;
        trigger.feed_parameters = parameters;
      },
    };
  }
}

/** The stage's transport must be one OpenWhisk offers (deploy/transports.cjs). */
class StageTransport {
  constructor(serverless) {
    this.hooks = {
      'before:package:compileFunctions': () => {
        const pkg = ((serverless.service.resources || {}).packages || {}).stackmend || {};
        checkTransport('openwhisk', pkg.parameters, 'deploy/stages/<stage>.yml');
      },
    };
  }
}

class StackmendOpenWhisk extends OpenWhiskIndex {
  constructor(serverless, options) {
    super(serverless, options);
    serverless.pluginManager.addPlugin(ArtifactPackageJson);
    serverless.pluginManager.addPlugin(StageTransport);
    serverless.pluginManager.addPlugin(ReconcileFeed);
  }
}

module.exports = StackmendOpenWhisk;

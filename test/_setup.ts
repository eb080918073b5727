// Loaded by mocha before the tests (see .mocharc.json): the same process settings as the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

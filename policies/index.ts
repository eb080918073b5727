// The CrossGuard policy pack: `pulumi preview --policy-pack policies`, and what `aa check` serves.
// The Pulumi CLI starts it with node in this directory; PolicyPack reads the version from
// ./package.json and serves one pack per process, so nothing but the CLI (or a process started
// the way the CLI starts it) may load this file. Tests import the policies from ./all instead.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./all";
import { crossGuardPolicy } from "./_pack";
import { loadStackConfigFile } from "./stackConfigFile";

// Under `aa check --analyzer grpc` the stack's config comes in a file, not PULUMI_CONFIG.
loadStackConfigFile(process.env);

new PolicyPack("active-active", {
  description:
    "Active-active EKS: N independent clusters that all serve traffic; no cluster depends on another.",
  policies: POLICIES.map(crossGuardPolicy),
});

import * as path from "node:path";
import type { StateFileForm } from "../../../automation/stackExport/stateFile";
import { ROOT } from "../../_cli";

/** Real state files written by Pulumi CLIs (see PROVENANCE.md there). */
export const REAL_STATE_DIR = path.join(ROOT, "test", "fixtures", "real", "state");

/** What each file of the corpus is, as far as its content is known. */
export interface RealStateFile {
  file: string;
  form: StateFileForm;
  version: 3 | 4;
  features: string[];
  /** The stack (environment) name the report gives. */
  stack: string;
  project: string;
  /** Live resources (the file's resources, less those pending deletion). */
  resources: number;
  /** The EKS clusters the graph has, by name. */
  clusters: string[];
}

const checkpoint = { form: "checkpoint" as const, version: 3 as const, features: [] };
const stackExport = { form: "stack-export" as const, version: 3 as const, features: [] };

/** Every file of the corpus; the corpus test checks that the directory holds exactly these. */
export const REAL_STATE_FILES: RealStateFile[] = [
  {
    file: "checkpoint-0.16.14-kloudlib.json",
    ...checkpoint,
    stack: "local",
    project: "pulumi-ts",
    resources: 2,
    clusters: [],
  },
  {
    file: "checkpoint-3.34.0-eks-iac-opal-fedramp.json",
    ...checkpoint,
    stack: "dev",
    project: "iac-opal-fedramp",
    resources: 79,
    clusters: ["dev-iac-opal-fedramp-eks-cluster"],
  },
  {
    file: "checkpoint-3.34.0-no-resources-iac-opal-fedramp.json",
    ...checkpoint,
    stack: "dev",
    project: "unknown",
    resources: 0,
    clusters: [],
  },
  {
    file: "checkpoint-new-stack-reproduce-12168.json",
    ...checkpoint,
    stack: "dev",
    project: "unknown",
    resources: 0,
    clusters: [],
  },
  {
    file: "checkpoint-v3-pulumi-testdata.json",
    ...checkpoint,
    stack: "foo",
    project: "countdown",
    resources: 30,
    clusters: [],
  },
  {
    file: "checkpoint-v3-secrets-pulumi-testdata.json",
    ...checkpoint,
    stack: "foo",
    project: "countdown",
    resources: 30,
    clusters: [],
  },
  {
    file: "checkpoint-v4-pulumi-testdata.json",
    ...checkpoint,
    version: 4,
    features: ["refreshBeforeUpdate"],
    stack: "foo",
    project: "countdown",
    resources: 30,
    clusters: [],
  },
  {
    file: "export-2.22.0-pulumi-docs-rest-api.json",
    ...stackExport,
    stack: "dev-user1",
    project: "demo-aws-ts-webserver",
    resources: 3,
    clusters: [],
  },
  {
    file: "export-3.4.0-boto-pulumi-eb.json",
    ...stackExport,
    stack: "dev",
    project: "elb-wp",
    resources: 10,
    clusters: [],
  },
  {
    file: "export-3.10.0-my-first-webiny.json",
    ...stackExport,
    stack: "dev",
    project: "api",
    resources: 54,
    clusters: [],
  },
  {
    file: "export-3.14.0-stack-factory.json",
    ...stackExport,
    stack: "dev-mitch",
    project: "aws-py-wordpress-fargate-rds",
    resources: 25,
    clusters: [],
  },
  {
    // An empty stack's export names no stack: it is named after the file.
    file: "export-3.87.0-empty-csye6225.json",
    ...stackExport,
    stack: "export-3.87.0-empty-csye6225",
    project: "unknown",
    resources: 0,
    clusters: [],
  },
  {
    file: "export-3.112.0-eks-iaac-pulumi.json",
    ...stackExport,
    stack: "dev",
    project: "iaac-project",
    resources: 24,
    clusters: ["my-cluster"],
  },
  {
    file: "export-3.135.1-jobsbolt.json",
    ...stackExport,
    stack: "dev",
    project: "jobsbolt-pulumi",
    resources: 26,
    clusters: [],
  },
  {
    file: "export-3.190.0-home-lab-iac.json",
    ...stackExport,
    stack: "home-lab",
    project: "home-lab-iac",
    resources: 7,
    clusters: [],
  },
];

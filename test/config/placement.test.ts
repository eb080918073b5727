import * as assert from "node:assert/strict";
import { planClusters } from "../../config/clusters";
import { resolveEffective, RolloutRefusal } from "../../config/effective";
import { parseEnvironment } from "../../config/load";
import { placementChanges } from "../../config/placement";
import { planRollout, PlanRefusal } from "../../automation/rollout/plan";
import { clusterFixture, deployedFrom, environmentFixture } from "../_fixtures";

const ROLE = "arn:aws:iam::210987654321:role/deployer";

/** The desired specs of clusters a, b, c with `c`'s entry changed. */
const specs = (c: Record<string, unknown> = {}) =>
  planClusters(
    parseEnvironment(
      "test",
      environmentFixture({
        clusters: [clusterFixture("a", 0), clusterFixture("b", 1), clusterFixture("c", 2, c)],
      }),
      "test",
    ).config,
  );

const refusedWith =
  (kind: typeof RolloutRefusal | typeof PlanRefusal, ...patterns: RegExp[]) =>
  (err: Error) => {
    assert.ok(err instanceof kind, `${err.name}: ${err.message}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  };

describe("where a deployed cluster runs (region and account) never changes", () => {
  it("finds nothing when the clusters stay where they are, with or without a region of their own", () => {
    for (const c of [{}, { region: "us-west-2" }, { region: "us-west-2", roleArn: ROLE }]) {
      assert.deepEqual(placementChanges(specs(c), deployedFrom(specs(c))), [], JSON.stringify(c));
    }
  });

  it("lets a new cluster go to any region or account", () => {
    const deployed = deployedFrom(specs()).filter((d) => d.name !== "c");
    assert.deepEqual(placementChanges(specs({ region: "eu-west-1", roleArn: ROLE }), deployed), []);
  });

  it("finds a deployed cluster moved to another region, to its own provider, or to another account", () => {
    const deployed = deployedFrom(specs({ region: "us-west-2" }));
    assert.deepEqual(
      placementChanges(specs({ region: "eu-west-1", roleArn: ROLE }), deployed).map((c) => [
        c.cluster,
        c.key,
        c.deployed,
        c.desired,
      ]),
      [
        ["c", "region", "us-west-2", "eu-west-1"],
        ["c", "roleArn", undefined, ROLE],
      ],
    );
    // Setting a region on a cluster deployed without one moves it off the environment's provider,
    // even to the region it runs in already.
    assert.equal(placementChanges(specs({ region: "us-east-1" }), deployedFrom(specs())).length, 1);
  });

  it("reads outputs of earlier versions, without settings or a region in them, as unset", () => {
    const deployed = deployedFrom(specs()).map(({ settings, ...rest }) => {
      void settings;
      return rest;
    });
    assert.deepEqual(placementChanges(specs(), deployed), []);
    assert.equal(placementChanges(specs({ region: "us-west-2" }), deployed).length, 1);
  });

  it("refuses a plain update that moves a deployed cluster, pointing to a new cluster that replaces it", () => {
    const deployed = deployedFrom(specs()).map((d) => ({ ...d, region: "us-east-1" }));
    assert.throws(
      () => resolveEffective(specs({ region: "us-west-2" }), { clusters: deployed }),
      refusedWith(
        RolloutRefusal,
        /cluster "c" runs in the stack's aws:region \(us-east-1\), but clusters\[2\]\.region now puts it in "us-west-2"/,
        /would be replaced at once/,
        /add a new cluster in the new region or account that replaces it \(`replaces: c`\)/,
        /remove clusters\[2\]\.region/,
      ),
    );
  });

  it("refuses a change of account, naming the deployed role to set back", () => {
    const deployed = deployedFrom(specs({ roleArn: ROLE }));
    assert.throws(
      () =>
        resolveEffective(specs({ roleArn: "arn:aws:iam::333333333333:role/deployer" }), {
          clusters: deployed,
        }),
      refusedWith(
        RolloutRefusal,
        /cluster "c" is deployed with role "arn:aws:iam::210987654321:role\/deployer", but clusters\[2\]\.roleArn now says role "arn:aws:iam::333333333333:role\/deployer"/,
        /set clusters\[2\]\.roleArn back to "arn:aws:iam::210987654321:role\/deployer"/,
      ),
    );
  });

  it("refuses a rollout directive that would move the cluster it advances", () => {
    const deployed = deployedFrom(specs());
    const moved = specs({ region: "us-west-2" })[2];
    assert.throws(
      () =>
        resolveEffective(
          specs(),
          { clusters: deployed },
          {
            advance: { cluster: "c", settings: moved.settings },
            drained: [],
            record: null,
          },
        ),
      refusedWith(RolloutRefusal, /clusters\[2\]\.region now puts it in "us-west-2"/),
    );
  });

  it("refuses to plan the move as a rollout step", () => {
    assert.throws(
      () => planRollout(specs({ region: "us-west-2" }), deployedFrom(specs()), { addonMatrix: {} }),
      refusedWith(PlanRefusal, /cluster "c" runs in the stack's aws:region/, /`replaces: c`/),
    );
  });
});

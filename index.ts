// Entry point of `pulumi up`: one environment (this stack) as N independent clusters.
import { main } from "./program";

export = main();

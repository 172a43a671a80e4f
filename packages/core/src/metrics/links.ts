/**
 * The links the status route reads besides the ones every package uses. `sst dev` and `sst deploy`
 * generate the same declarations into sst-env.d.ts from infra/ (the API links `DeadLetterQueue`
 * and the `StatusToken` secret); at run time they arrive as `SST_RESOURCE_*` variables.
 */
import "sst";

declare module "sst" {
  export interface Resource {
    DeadLetterQueue: { url: string; type: "sst.aws.Queue" };
    StatusToken: { value: string; type: "sst.sst.Secret" };
  }
}

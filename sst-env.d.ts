/* The links ArtAI's code reads through `Resource` from "sst". `sst dev` and `sst deploy` regenerate
   this file from infra/; the local stack (packages/local) provides the same links as environment. */
import "sst";
declare module "sst" {
  export interface Resource {
    Uploads: { name: string; type: "sst.aws.Bucket" };
    Outputs: { name: string; type: "sst.aws.Bucket" };
    UploadsReplica: { name: string; region: string; type: "sst.sst.Linkable" };
    OutputsReplica: { name: string; region: string; type: "sst.sst.Linkable" };
    Jobs: { name: string; type: "sst.aws.Dynamo" };
    Queue: { url: string; type: "sst.aws.Queue" };
    Model: { endpointName: string; type: "sst.sst.Linkable" };
    EdgeSecret: { value: string; type: "sst.sst.Secret" };
  }
}
export {};

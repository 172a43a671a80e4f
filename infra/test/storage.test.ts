/** The production program (production.ts): infra/storage.ts: the buckets, their replicas and the Jobs table. */
import { expect, test } from "vitest";
import { REPLICATION } from "../../packages/core/src/contract/index.ts";
import type { Statement } from "./harness.ts";
import type { Json } from "./json.ts";
import {
  allows,
  DOMAIN,
  describeProduction,
  KEY,
  REPLICA_REGION,
  ROLE,
  run,
  S3,
} from "./production.ts";

describeProduction("4. storage", () => {
  const buckets = ["Uploads", "Outputs"] as const;

  test("4. both buckets: versioning, SSE-KMS with a customer-managed key, Block Public Access, BucketOwnerEnforced", () => {
    const dataKey = run.get(KEY, "DataKey");
    expect(dataKey.inputs.enableKeyRotation).toBe(true);
    for (const name of buckets) {
      const bucket = run.get(S3, `${name}Bucket`).state.bucket;
      const versioning = run.get("aws:s3/bucketVersioning:BucketVersioning", `${name}Versioning`);
      expect(versioning.inputs).toMatchObject({
        bucket,
        versioningConfiguration: { status: "Enabled" },
      });
      const sse = run.get(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${name}Encryption`,
      );
      expect(sse.inputs.bucket).toBe(bucket);
      expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault).toEqual({
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: dataKey.state.arn,
      });
      const block = run.get(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        `${name}PublicAccessBlock`,
      );
      expect(block.inputs).toMatchObject({
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const ownership = run.get(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        `${name}Ownership`,
      );
      expect(ownership.inputs).toEqual({
        bucket,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      });
    }
  });

  test("4. CORS on both buckets allows only the site's origin", () => {
    for (const name of buckets) {
      const cors = run.get("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", `${name}Cors`);
      expect(cors.inputs.bucket).toBe(run.get(S3, `${name}Bucket`).state.bucket);
      for (const rule of cors.inputs.corsRules) {
        expect(rule.allowedOrigins).toEqual([`https://${DOMAIN}`]);
      }
    }
    const uploadsMethods = run
      .get("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "UploadsCors")
      .inputs.corsRules.flatMap((r: Json) => r.allowedMethods);
    expect(uploadsMethods).toContain("POST");
  });

  test("4. lifecycle: noncurrent versions to a cheaper class after 30 days, expired after 365; multipart aborted after 7", () => {
    for (const name of [...buckets, ...buckets.map((b) => `${b}Replica`)]) {
      const lifecycle = run.get(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        `${name}Lifecycle`,
      );
      const rules: Json[] = lifecycle.inputs.rules;
      const noncurrent = rules.find((r) => r.noncurrentVersionTransitions);
      expect(noncurrent.status).toBe("Enabled");
      expect(noncurrent.noncurrentVersionTransitions).toEqual([
        { noncurrentDays: 30, storageClass: "STANDARD_IA" },
      ]);
      expect(noncurrent.noncurrentVersionExpiration).toEqual({ noncurrentDays: 365 });
      const multipart = rules.find((r) => r.abortIncompleteMultipartUpload);
      expect(multipart.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 7 });
    }
  });

  test("4. cross-region replication to versioned buckets in the configured secondary region, each with its own KMS key", () => {
    const dataKeyArn = run.arnOf(KEY, "DataKey");
    const replicaKeys = new Set<string>();
    for (const name of buckets) {
      const replication = run.get(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        `${name}Replication`,
      );
      const replica = run.get(S3, `${name}Replica`);
      const key = run.get(KEY, `${name}ReplicaKey`);
      expect(run.providerOf(replica)?.inputs.region).toBe(REPLICA_REGION);
      expect(run.providerOf(key)?.inputs.region).toBe(REPLICA_REGION);
      expect(key.state.arn).not.toBe(dataKeyArn);
      replicaKeys.add(key.state.arn);

      expect(replication.inputs.bucket).toBe(run.get(S3, `${name}Bucket`).state.bucket);
      const [rule] = replication.inputs.rules;
      expect(rule.status).toBe("Enabled");
      expect(rule.destination.bucket).toBe(replica.state.arn);
      expect(rule.destination.encryptionConfiguration.replicaKmsKeyId).toBe(key.state.arn);
      expect(rule.sourceSelectionCriteria.sseKmsEncryptedObjects.status).toBe("Enabled");
      // From the one declaration the local S3 replicates by (REPLICATION in the contract).
      expect(rule.deleteMarkerReplication.status).toBe(
        REPLICATION.deleteMarkers ? "Enabled" : "Disabled",
      );

      const replicaVersioning = run.get(
        "aws:s3/bucketVersioning:BucketVersioning",
        `${name}ReplicaVersioning`,
      );
      expect(replicaVersioning.inputs).toMatchObject({
        bucket: replica.state.bucket,
        versioningConfiguration: { status: "Enabled" },
      });
      const replicaSse = run.get(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${name}ReplicaEncryption`,
      );
      expect(replicaSse.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).toBe(
        key.state.arn,
      );
      // The replication role may decrypt the source and encrypt with the replica's key only.
      const role = run.get(ROLE, `${name}ReplicationRole`);
      expect(replication.inputs.role).toBe(role.state.arn);
      const policy = JSON.parse(
        run.get("aws:iam/rolePolicy:RolePolicy", `${name}ReplicationPolicy`).inputs.policy,
      ).Statement as Statement[];
      expect(allows(policy, "kms:Decrypt").flatMap((s) => s.Resource)).toEqual([dataKeyArn]);
      expect(allows(policy, "kms:Encrypt").flatMap((s) => s.Resource)).toEqual([key.state.arn]);
      expect(allows(policy, "s3:ReplicateObject").flatMap((s) => s.Resource)).toEqual([
        `${replica.state.arn}/*`,
      ]);
    }
    expect(replicaKeys.size).toBe(2);
  });

  test("4. deleting a job reaches the replicas: the API and the sweeper link each replica with its name and region, and may list and delete its versions", () => {
    for (const fn of ["ApiHandler", "SweeperHandler"]) {
      const build = run.rpc.builds.find((b) => b.functionID === fn);
      const statements = run.statementsOf(fn);
      for (const name of buckets) {
        const replica = run.get(S3, `${name}Replica`);
        expect(build?.links[`${name}Replica`]).toMatchObject({
          name: replica.state.bucket,
          region: REPLICA_REGION,
        });
        expect(allows(statements, "s3:ListBucketVersions").flatMap((s) => s.Resource)).toContain(
          replica.state.arn,
        );
        expect(allows(statements, "s3:DeleteObjectVersion").flatMap((s) => s.Resource)).toContain(
          `${replica.state.arn}/*`,
        );
      }
    }
  });

  test("4. Jobs table: ElectroDB single table (pk/sk, gsi1, gsi2) with point-in-time recovery and KMS", () => {
    const table = run.get("aws:dynamodb/table:Table", "JobsTable");
    expect(table.inputs).toMatchObject({ hashKey: "pk", rangeKey: "sk" });
    const attributes = Object.fromEntries(
      table.inputs.attributes.map((a: Json) => [a.name, a.type]),
    );
    expect(attributes).toEqual({
      pk: "S",
      sk: "S",
      gsi1pk: "S",
      gsi1sk: "S",
      gsi2pk: "S",
      gsi2sk: "S",
    });
    const indexes = Object.fromEntries(
      table.inputs.globalSecondaryIndexes.map((i: Json) => [i.name, [i.hashKey, i.rangeKey]]),
    );
    expect(indexes).toEqual({ gsi1: ["gsi1pk", "gsi1sk"], gsi2: ["gsi2pk", "gsi2sk"] });
    expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    expect(table.inputs.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(table.inputs.serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: run.arnOf(KEY, "DataKey"),
    });
  });
});

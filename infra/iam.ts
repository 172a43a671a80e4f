/**
 * Least privilege. SST's built-in links grant whole services on the linked resource (`s3:*`,
 * `dynamodb:*`, `sqs:*`). In ArtAI a link carries its properties only, exactly as the built-in
 * link names them (`Resource.Uploads.name`, `Resource.Queue.url`, …), and each function's rights
 * come from the permissions table (infra/permissions.ts). This is SST's documented way to modify
 * built-in links: https://sst.dev/docs/component/linkable/#modify-built-in-links
 */
sst.Linkable.wrap(sst.aws.Bucket, (bucket) => ({ properties: { name: bucket.name } }));
sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({ properties: { name: table.name } }));
sst.Linkable.wrap(sst.aws.Queue, (queue) => ({ properties: { url: queue.url } }));
sst.Linkable.wrap(sst.aws.SnsTopic, (topic) => ({ properties: { arn: topic.arn } }));

/**
 * Defaults for every Lambda role. SST's role trusts the account root as well as Lambda so
 * that `sst dev` can assume it from a laptop; deployed stages trust Lambda alone.
 * Imported first, so the transform applies to every function the other files declare.
 */

$transform(sst.aws.Function, (args) => {
  if ($dev) return;
  const previous = args.transform?.role;
  args.transform = {
    ...args.transform,
    role: (roleArgs, opts, name) => {
      if (typeof previous === "function") previous(roleArgs, opts, name);
      else if (previous) Object.assign(roleArgs, previous);
      roleArgs.assumeRolePolicy = aws.iam.assumeRolePolicyForPrincipal({
        Service: "lambda.amazonaws.com",
      });
    },
  };
});

export {};

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

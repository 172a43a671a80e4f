/**
 * IAM for the local stack, from the same table infra/ writes the roles from
 * (packages/core/src/contract/permissions.ts). Each function has its own access key, as each
 * Lambda function has its own execution role; the local S3, DynamoDB and SQS look the caller's
 * key up here and answer `AccessDenied` to what its rows do not allow, as AWS does.
 *
 * The stack's own key (`ADMIN_CREDENTIALS`: the tests, the table setup, `pnpm dev`'s operator)
 * is in no row. It has full access, like an account administrator's, and is named as such.
 */
import {
  allows,
  FUNCTIONS,
  type FunctionName,
  type PolicyStatement,
  type ResourceName,
  statementsFor,
} from "@artai/core/contract";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The local account, as in every local ARN. */
export const LOCAL_ACCOUNT = "000000000000";

/** The operator's key: in no row of the table, so not limited by it (an administrator's). */
export const ADMIN_CREDENTIALS: Credentials = {
  accessKeyId: "ARTAILOCALACCESSKEY",
  secretAccessKey: "artai-local-secret-key",
};

/** Each function's own key, as its execution role's credentials would be on Lambda. */
export const FUNCTION_CREDENTIALS: Record<FunctionName, Credentials> = Object.fromEntries(
  FUNCTIONS.map((fn) => [
    fn,
    {
      accessKeyId: `ARTAILOCAL${fn.toUpperCase()}`,
      secretAccessKey: `artai-local-${fn}-secret-key`,
    },
  ]),
) as Record<FunctionName, Credentials>;

/** Whether a caller may do something, and if not, AWS's words for the refusal. */
export type Decision = { allowed: true } | { allowed: false; message: string };

/** Answers "may this key do `action` on `resource`?" for the local services. */
export type Authorizer = (accessKeyId: string, action: string, resource: string) => Decision;

export interface Principal {
  /** The function whose role this is, or `undefined` for the administrator. */
  fn?: FunctionName;
  arn: string;
  statements?: PolicyStatement[];
}

export class LocalIam {
  private readonly principals = new Map<string, Principal>();

  /** `arns`: the local ARN of every resource the table names (a missing one is granted nowhere). */
  constructor(arns: Partial<Record<ResourceName, string>>, stage = "local") {
    this.principals.set(ADMIN_CREDENTIALS.accessKeyId, {
      arn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/artai-${stage}-admin`,
    });
    for (const fn of FUNCTIONS) {
      this.principals.set(FUNCTION_CREDENTIALS[fn].accessKeyId, {
        fn,
        arn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/artai-${stage}-${fn}/${fn}`,
        statements: statementsFor(fn, arns),
      });
    }
  }

  /** Every key the local services accept. */
  credentials(): Credentials[] {
    return [ADMIN_CREDENTIALS, ...FUNCTIONS.map((fn) => FUNCTION_CREDENTIALS[fn])];
  }

  principal(accessKeyId: string): Principal | undefined {
    return this.principals.get(accessKeyId);
  }

  /** The authorizer the local S3, DynamoDB and SQS call after verifying a request's signature. */
  readonly authorize: Authorizer = (accessKeyId, action, resource) => {
    const principal = this.principals.get(accessKeyId);
    if (!principal) {
      return { allowed: false, message: `The access key ${accessKeyId} is not known.` };
    }
    if (!principal.statements || allows(principal.statements, action, resource)) {
      return { allowed: true };
    }
    // The wording of AWS's implicit deny, so a refusal reads the same locally as in CloudTrail.
    return {
      allowed: false,
      message: `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    };
  };
}

/**
 * DynamoDB for the local stack: dynalite, persisted with LevelDB under the data directory.
 *
 * With `iam`, dynalite listens on an internal port behind a small authorising front: it verifies
 * each request's SigV4 signature with the SDK's own signer, maps `X-Amz-Target` and the
 * request's table (and index) to the IAM action and resource AWS would check, and answers
 * DynamoDB's `AccessDeniedException` to what the caller may not do; the rest it passes on.
 * dynalite itself checks only that a signature is present.
 */
// dynalite ships no types: its declaration travels with this file to every package that
// type-checks it through `@artai/local/stack`.
/// <reference path="./dynalite.d.ts" />
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { readBody, verifySigned } from "./aws-json.ts";
import type { Authorizer, Credentials } from "./iam/index.ts";
import { JsonSigV4Verifier, SignatureError } from "./iam/sigv4.ts";

/** The single table ElectroDB uses: pk/sk, with gsi1 (an owner's jobs) and gsi2 (jobs by status). */
export async function ensureTable(client: DynamoDBClient, name: string) {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const gsi = (n: number) => ({
    IndexName: `gsi${n}`,
    KeySchema: [
      { AttributeName: `gsi${n}pk`, KeyType: "HASH" as const },
      { AttributeName: `gsi${n}sk`, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"].map((n) => ({
        AttributeName: n,
        AttributeType: "S" as const,
      })),
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [gsi(1), gsi(2)],
    }),
  );
}

export interface DynamoIam {
  credentials: Credentials[];
  authorize: Authorizer;
  accountId: string;
}

export async function startDynamo(input: {
  path: string;
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  host?: string;
  port?: number;
  iam?: DynamoIam;
}) {
  const server: Server = dynalite({
    path: input.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const host = input.host ?? "127.0.0.1";
  const listen = (s: Server, port: number) =>
    new Promise<void>((resolve) => s.listen(port, host, resolve));
  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections?.();
      s.close(() => resolve());
    });
  let front: Server | undefined;
  if (input.iam) {
    await listen(server, 0);
    front = authorizingFront(input.iam, input.region, (server.address() as AddressInfo).port, host);
    await listen(front, input.port ?? 0);
  } else {
    await listen(server, input.port ?? 0);
  }
  const { port } = (front ?? server).address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: input.region,
    credentials: input.credentials,
  });
  await ensureTable(client, input.tableName);
  client.destroy();
  return {
    url,
    close: async () => {
      if (front) await close(front);
      await close(server);
    },
  };
}

/** The IAM checks one DynamoDB request needs: an action on a resource ARN each. */
export function requiredPermissions(
  operation: string,
  body: Record<string, unknown>,
  tableArn: (table: string) => string,
): { action: string; resource: string }[] {
  const on = (table: unknown, index?: unknown) =>
    typeof table !== "string"
      ? "*"
      : typeof index === "string"
        ? `${tableArn(table)}/index/${index}`
        : tableArn(table);
  if (operation === "BatchGetItem" || operation === "BatchWriteItem") {
    const tables = Object.keys((body.RequestItems as Record<string, unknown>) ?? {});
    return tables.map((table) => ({ action: `dynamodb:${operation}`, resource: on(table) }));
  }
  if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
    const actions: Record<string, string> = {
      Put: "PutItem",
      Update: "UpdateItem",
      Delete: "DeleteItem",
      ConditionCheck: "ConditionCheckItem",
      Get: "GetItem",
    };
    const items = (body.TransactItems as Record<string, { TableName?: string }>[]) ?? [];
    return items.flatMap((item) =>
      Object.entries(item).map(([kind, detail]) => ({
        action: `dynamodb:${actions[kind] ?? kind}`,
        resource: on(detail?.TableName),
      })),
    );
  }
  return [{ action: `dynamodb:${operation}`, resource: on(body.TableName, body.IndexName) }];
}

/** DynamoDB's JSON error (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html). */
function sendError(res: ServerResponse, type: string, message: string) {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, Message: message });
  res.writeHead(400, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

const SIGNATURE_ERRORS: Record<SignatureError["reason"], string> = {
  missing: "MissingAuthenticationTokenException",
  malformed: "IncompleteSignatureException",
  "unknown-key": "UnrecognizedClientException",
  mismatch: "InvalidSignatureException",
  expired: "InvalidSignatureException",
};

function authorizingFront(iam: DynamoIam, region: string, backendPort: number, host: string) {
  const verifier = new JsonSigV4Verifier(iam.credentials, "dynamodb");
  const tableArn = (table: string) => `arn:aws:dynamodb:${region}:${iam.accountId}:table/${table}`;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    let accessKeyId: string;
    try {
      accessKeyId = await verifySigned(verifier, req, raw);
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      return sendError(res, SIGNATURE_ERRORS[error.reason], error.message);
    }
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString("utf8") || "{}");
    } catch {
      // dynalite answers malformed JSON itself (SerializationException).
    }
    for (const { action, resource } of requiredPermissions(operation, body, tableArn)) {
      const decision = iam.authorize(accessKeyId, action, resource);
      if (!decision.allowed) return sendError(res, "AccessDeniedException", decision.message);
    }
    const upstream = request(
      { host, port: backendPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) sendError(res, "InternalServerError", "The local DynamoDB is down.");
      else res.destroy();
    });
    upstream.end(raw);
  };
  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, "InternalServerError", "Internal server error");
    });
  });
}
